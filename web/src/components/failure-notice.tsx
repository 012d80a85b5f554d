import type { JSX } from 'preact';
import type { CallFailure } from '../api/call-failure.js';

/**
 * A failed call, said plainly: PERMISSION_DENIED as what this key may not
 * do, anything else with the front's message (as text). UNAUTHENTICATED
 * never gets here: the app shows its sign-in instead.
 *
 * @example
 * ```tsx
 * {failure && <FailureNotice failure={failure} />}
 * ```
 */
export function FailureNotice({ failure }: { failure: CallFailure }): JSX.Element {
  const title =
    failure.kind === 'denied'
      ? 'Not allowed with this API key'
      : failure.kind === 'not-found'
        ? 'Not found'
        : failure.kind === 'sign-in'
          ? 'Sign in needed'
          : 'The call failed';
  return (
    <div class={`notice notice-${failure.kind}`} role="alert">
      <strong>{title}</strong>
      <p>{failure.message}</p>
    </div>
  );
}
