import type { JSX } from 'preact';
import { formText } from './form-text.js';

/**
 * Asks for an API key. A password field in a form that is never submitted
 * to a URL: the key goes to session storage and into call headers only.
 *
 * @example
 * ```tsx
 * <SignIn refused={false} onKey={(key) => signIn(key)} />
 * ```
 */
export function SignIn({
  refused,
  onKey,
}: {
  /** The key just tried, or the stored one, was refused. */
  refused: boolean;
  onKey: (key: string) => void;
}): JSX.Element {
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const key = formText(new FormData(event.currentTarget as HTMLFormElement), 'apiKey');
    if (key !== '') onKey(key);
  };
  return (
    <main class="sign-in">
      <h1>Sign in</h1>
      <p>This Sluice front checks API keys. Sign in with yours; it stays in this tab only.</p>
      {refused && (
        <div class="notice notice-sign-in" role="alert">
          <strong>The API key was refused</strong>
          <p>It is unknown, revoked or mistyped. Sign in with a valid key.</p>
        </div>
      )}
      <form method="post" action="#" onSubmit={onSubmit}>
        <label>
          API key <input name="apiKey" type="password" autocomplete="off" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
