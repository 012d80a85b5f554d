import { Code, ConnectError } from '@connectrpc/connect';

/** What a failed call means to the person looking at the page. */
export interface CallFailure {
  /** `sign-in`: ask for a key; `denied`: this key may not; `failed`: anything else. */
  kind: 'sign-in' | 'denied' | 'not-found' | 'failed';
  /** The front's own message (already advice), or the network's. */
  message: string;
}

/**
 * Turns whatever a call threw into something to show: the front's status
 * and message when it answered, the browser's when it could not be reached.
 *
 * @example
 * ```ts
 * try { await client.cancelJob({ jobId }); } catch (error) { setFailure(callFailure(error)); }
 * ```
 */
export function callFailure(error: unknown): CallFailure {
  if (!(error instanceof ConnectError)) {
    return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  const message = error.rawMessage === '' ? Code[error.code] : error.rawMessage;
  switch (error.code) {
    case Code.Unauthenticated:
      return { kind: 'sign-in', message };
    case Code.PermissionDenied:
      return { kind: 'denied', message };
    case Code.NotFound:
      return { kind: 'not-found', message };
    default:
      return { kind: 'failed', message: `${Code[error.code]}: ${message}` };
  }
}
