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

/** Socket errors of a connection that never came up: nothing was sent. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** The HTTP statuses of a client fault: the service answered and did nothing. */
const CLIENT_FAULT_STATUSES = { from: 400, to: 500 } as const;

/** The fields by which an answered request is recognised. */
interface AnsweredShape {
  code?: unknown;
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  /** Set on a failed entry of a batch call: the service answered for it. */
  SenderFault?: unknown;
}

/**
 * Whether a failed write to SQS or DynamoDB may have taken effect anyway.
 * Only a refusal the service answered (a 4xx, throttling included, or a
 * failed entry of a batch it reported), a connection that never came up
 * or missing credentials prove it did not; a 5xx, a timeout or a
 * connection dropped after the request was sent leave it open. Used to
 * decide whether "retrying is safe" is true for a caller without an
 * idempotency key.
 *
 * @example
 * ```ts
 * if (mayHaveTakenEffect(error.cause)) throw new JobMayExistError(jobId, 'the queue may have the job');
 * ```
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const shape = error as AnsweredShape;
  if (typeof shape.SenderFault === 'boolean') return false;
  if (typeof shape.code === 'string' && NOT_CONNECTED_CODES.has(shape.code)) return false;
  if (shape.name === 'CredentialsProviderError') return false;
  const httpStatus = shape.$metadata?.httpStatusCode;
  return !(
    typeof httpStatus === 'number' &&
    httpStatus >= CLIENT_FAULT_STATUSES.from &&
    httpStatus < CLIENT_FAULT_STATUSES.to
  );
}
