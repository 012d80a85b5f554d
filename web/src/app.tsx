import { Code, ConnectError } from '@connectrpc/connect';
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiKeyStorage } from './api/api-key-storage.js';
import { callFailure, type CallFailure } from './api/call-failure.js';
import { DashboardContext, type Dashboard } from './api/dashboard-context.js';
import { createJobClient } from './api/job-client.js';
import { FailureNotice } from './components/failure-notice.js';
import { SignIn } from './components/sign-in.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SubmitPage } from './pages/submit-page.js';
import { Link, useLocation } from './routing/router.js';

/** The front's settings for the dashboard (optional; see container/web). */
const CONFIG_PATH = '/dashboard-config.json';
const JOB_PATH = /^\/jobs\/([^/]+)\/?$/;

type Session =
  | { phase: 'starting' }
  | { phase: 'unreachable'; failure: CallFailure }
  | { phase: 'sign-in'; refused: boolean }
  | { phase: 'ready' };

/** How the front authenticates: a call without a key succeeds only in open mode. */
async function probeAuthMode(): Promise<Dashboard['authMode']> {
  const anonymous = createJobClient({
    apiKey: () => undefined,
    onUnauthenticated: () => undefined,
  });
  try {
    await anonymous.listChannels({});
    return 'open';
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.Unauthenticated) return 'api-keys';
    throw error;
  }
}

async function readTraceUrlTemplate(): Promise<string> {
  try {
    const response = await fetch(CONFIG_PATH, { headers: { accept: 'application/json' } });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return '';
    const config = (await response.json()) as { traceUrlTemplate?: unknown };
    return typeof config.traceUrlTemplate === 'string' ? config.traceUrlTemplate : '';
  } catch {
    return '';
  }
}

function Page(): JSX.Element {
  const { path } = useLocation();
  const job = JOB_PATH.exec(path);
  if (job?.[1] !== undefined) {
    const jobId = decodeURIComponent(job[1]);
    return <JobPage key={jobId} jobId={jobId} />;
  }
  if (path === '/jobs' || path === '/jobs/') return <JobsPage />;
  if (path === '/submit') return <SubmitPage />;
  if (path === '/') return <OverviewPage />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        No page here. <Link href="/">Overview</Link>
      </p>
    </main>
  );
}

/**
 * The dashboard: finds out whether the front checks API keys, asks for one
 * when it does (and again whenever a call is UNAUTHENTICATED), and routes
 * `/`, `/jobs`, `/jobs/<jobId>` and `/submit`.
 *
 * @example
 * ```tsx
 * render(<App />, document.getElementById('app')!);
 * ```
 */
export function App(): JSX.Element {
  const [session, setSession] = useState<Session>({ phase: 'starting' });
  const [authMode, setAuthMode] = useState<Dashboard['authMode']>('api-keys');
  const [traceUrlTemplate, setTraceUrlTemplate] = useState('');
  const client = useMemo(
    () =>
      createJobClient({
        apiKey: () => apiKeyStorage.load(),
        onUnauthenticated: () => {
          const refused = apiKeyStorage.load() !== undefined;
          apiKeyStorage.clear();
          setSession({ phase: 'sign-in', refused });
        },
      }),
    [],
  );
  useEffect(() => {
    void readTraceUrlTemplate().then(setTraceUrlTemplate);
    probeAuthMode().then(
      (mode) => {
        setAuthMode(mode);
        const signedIn = mode === 'open' || apiKeyStorage.load() !== undefined;
        setSession(signedIn ? { phase: 'ready' } : { phase: 'sign-in', refused: false });
      },
      (error: unknown) => setSession({ phase: 'unreachable', failure: callFailure(error) }),
    );
  }, []);
  const signIn = (key: string): void => {
    apiKeyStorage.save(key);
    setSession({ phase: 'ready' });
  };
  const signOut = (): void => {
    apiKeyStorage.clear();
    setSession({ phase: 'sign-in', refused: false });
  };
  return (
    <DashboardContext.Provider value={{ client, authMode, traceUrlTemplate }}>
      <header class="top">
        <Link href="/" class="brand">
          Sluice
        </Link>
        <nav>
          <Link href="/">Overview</Link>
          <Link href="/jobs">Jobs</Link>
          <Link href="/submit">Submit</Link>
        </nav>
        <span class="auth">
          {authMode === 'open' && session.phase === 'ready' && (
            <span class="open-mode" title="SLUICE_AUTH=open">
              Open mode: this front checks no API keys
            </span>
          )}
          {authMode === 'api-keys' && session.phase === 'ready' && (
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          )}
        </span>
      </header>
      {session.phase === 'starting' && <p class="hint">Connecting…</p>}
      {session.phase === 'unreachable' && <FailureNotice failure={session.failure} />}
      {session.phase === 'sign-in' && <SignIn refused={session.refused} onKey={signIn} />}
      {session.phase === 'ready' && <Page />}
    </DashboardContext.Provider>
  );
}
