import { ConnectTimeoutError, type SluiceClientError } from '../sluice-client-error.js';

/**
 * Whether a failure is about the connection rather than the request: the
 * front was unreachable, went away or is shutting down (`UNAVAILABLE`), or no
 * connection came up in time. Only such failures are ever retried — and unary
 * submits only when they carry an idempotency key. A failure that names a job
 * which may exist (`jobId`, status UNKNOWN) never is: repeating its submit
 * could create a second job.
 *
 * @example
 * ```ts
 * if (isRetryableFailure(error) && idempotent) await setTimeout(backoff.next(), undefined, { signal });
 * ```
 */
export function isRetryableFailure(error: SluiceClientError): boolean {
  if (error.jobId !== undefined) return false;
  return error.codeName === 'UNAVAILABLE' || error instanceof ConnectTimeoutError;
}
