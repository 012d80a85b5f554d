/** Socket errors of a dropped, refused or unreachable connection. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
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
 * Names of failures that a later attempt may not meet: the AWS SDK's
 * throttling and transient error codes (SQS, DynamoDB and the generic
 * ones), and what its HTTP handler and credential chain raise without an
 * HTTP answer (an attempt that timed out or was aborted, no credentials yet).
 */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  // Throttling.
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'KmsThrottled',
  'TransactionInProgressException',
  'TransactionConflictException',
  // Server-side and in-flight trouble.
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'CredentialsProviderError',
  'ProviderError',
  'TokenProviderError',
]);

/** HTTP statuses: the first of client faults, "too many requests", the first of server faults. */
const HTTP = { clientFault: 400, tooManyRequests: 429, serverFault: 500 } as const;

/** What a failed call to SQS or DynamoDB says about the request. */
export type DependencyFailureKind =
  /** Throttling, a 5xx, a timeout, a dropped or refused connection: a later try may succeed. */
  | 'transient'
  /**
   * The service answered and refused the request itself (a 4xx other than
   * throttling: `ValidationException`, `SerializationException`,
   * `InvalidParameterValue`, a missing table or queue, no permission): the
   * same request fails again, so it is a fault in Sluice or its deployment.
   */
  | 'rejected';

/** The fields by which an AWS SDK v3 error, or a failed entry of a batch call, is recognised. */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  /** Set on a failed entry of a batch call (SendMessageBatch): whom SQS blames. */
  SenderFault?: unknown;
  /** The error code of a failed batch entry. */
  Code?: unknown;
}

/** A failed entry of a batch: SQS's own verdict, throttling excepted. */
function entryFailureKind(shape: SdkErrorShape): DependencyFailureKind {
  const throttled = typeof shape.Code === 'string' && /throttl/i.test(shape.Code);
  return shape.SenderFault === true && !throttled ? 'rejected' : 'transient';
}

/**
 * What kind of trouble with SQS or DynamoDB `error` is — `undefined` when it
 * is none, i.e. a programming error (a `TypeError`, a broken invariant) in
 * Sluice itself. The one place the front tells the three apart, because
 * each means something different to a client: `transient` is UNAVAILABLE
 * (retry later), `rejected` and a bug are INTERNAL (no retry fixes them,
 * and a client that retries only adds load). Recognises the SDK's service
 * exceptions (`$fault`, `$metadata`), failures of its request pipeline and
 * HTTP handler, socket errors, and a failed entry of a batch call.
 *
 * @example
 * ```ts
 * if (dependencyFailureKind(error) === 'transient') scheduleRetry(batch);
 * ```
 */
export function dependencyFailureKind(error: unknown): DependencyFailureKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as SdkErrorShape;
  if (typeof shape.SenderFault === 'boolean') return entryFailureKind(shape);
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return 'transient';
  if (typeof shape.name === 'string' && TRANSIENT_NAMES.has(shape.name)) return 'transient';
  if (typeof shape.$retryable === 'object' && shape.$retryable !== null) return 'transient';
  const httpStatus = shape.$metadata?.httpStatusCode;
  if (typeof httpStatus === 'number') {
    if (httpStatus >= HTTP.serverFault || httpStatus === HTTP.tooManyRequests) return 'transient';
    if (httpStatus >= HTTP.clientFault) return 'rejected';
  }
  if (shape.$fault === 'client') return 'rejected';
  if (shape.$fault === 'server') return 'transient';
  // The SDK stamps `$metadata` on whatever failed after the request was sent (an unreadable answer).
  if (typeof shape.$metadata === 'object' && shape.$metadata !== null) return 'transient';
  return undefined;
}

/**
 * The code a dependency failure is known by — the SDK's error `name`
 * (`ValidationException`), a failed batch entry's `Code`, a socket error's
 * `code` — for messages and logs; never its text, which may quote data.
 *
 * @example
 * ```ts
 * dependencyErrorCode(error); // 'ValidationException'
 * ```
 */
export function dependencyErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Unknown';
  const shape = error as SdkErrorShape;
  if (typeof shape.Code === 'string') return shape.Code;
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return shape.code;
  return typeof shape.name === 'string' ? shape.name : 'Unknown';
}

/** Socket errors of a connection that never came up: nothing was sent. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

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
  const shape = error as SdkErrorShape;
  if (typeof shape.SenderFault === 'boolean') return false;
  if (typeof shape.code === 'string' && NOT_CONNECTED_CODES.has(shape.code)) return false;
  if (shape.name === 'CredentialsProviderError') return false;
  const httpStatus = shape.$metadata?.httpStatusCode;
  return !(
    typeof httpStatus === 'number' &&
    httpStatus >= HTTP.clientFault &&
    httpStatus < HTTP.serverFault
  );
}
