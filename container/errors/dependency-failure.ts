/** Socket errors of a dropped, refused or unreachable connection. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_HTTP2_STREAM_ERROR',
]);

/**
 * Names of failures the AWS SDK's HTTP handler and credential chain raise
 * without an HTTP answer: an attempt that timed out or was aborted, no
 * credentials to sign with.
 */
const SDK_FAILURE_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
  'CredentialsProviderError',
  'ProviderError',
  'TokenProviderError',
]);

/** The fields by which an AWS SDK v3 error is recognised. */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: unknown;
}

/**
 * Whether `error` is trouble with SQS or DynamoDB — a service exception
 * (throttling, a 5xx, a refusal; the SDK's `ServiceException` carries
 * `$fault` and `$metadata`), a failure inside the SDK's request pipeline
 * (stamped with `$metadata`), a timeout or a network error — as opposed to
 * a programming error (a `TypeError`, a broken invariant) in Sluice itself.
 * Only the former is UNAVAILABLE to a client; a bug is INTERNAL, because no
 * retry fixes it and a client that retries it only adds load.
 *
 * @example
 * ```ts
 * if (!isDependencyFailure(error)) throw error; // a bug: reported as INTERNAL
 * ```
 */
export function isDependencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as SdkErrorShape;
  if (typeof shape.$fault === 'string') return true;
  if (typeof shape.$metadata === 'object' && shape.$metadata !== null) return true;
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return true;
  return typeof shape.name === 'string' && SDK_FAILURE_NAMES.has(shape.name);
}
