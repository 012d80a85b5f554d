import { NETWORK_ERROR_CODES } from '../errors/dependency-failure.js';

/** Error names (or codes) of throttling and server-side trouble worth another try. */
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'KmsThrottled',
]);

/** The lowest HTTP status of a server fault. */
const SERVER_ERROR_STATUS = 500;
/** HTTP's "too many requests". */
const TOO_MANY_REQUESTS_STATUS = 429;

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Whether a failed SQS call (the whole request) may succeed if tried again:
 * throttling, a server fault (5xx), a timeout or a dropped connection. A
 * client fault (bad request, missing queue, no permission) will not.
 *
 * @example
 * ```ts
 * if (isRetryableSqsError(error)) scheduleRetry(batch);
 * ```
 */
export function isRetryableSqsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as SdkErrorShape;
  if (shape.$retryable !== undefined && shape.$retryable !== null) return true;
  if (typeof shape.name === 'string' && RETRYABLE_NAMES.has(shape.name)) return true;
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return true;
  const status = shape.$metadata?.httpStatusCode;
  return (
    typeof status === 'number' &&
    (status >= SERVER_ERROR_STATUS || status === TOO_MANY_REQUESTS_STATUS)
  );
}

/**
 * Whether one failed entry of a SendMessageBatch may succeed if sent again:
 * anything SQS does not blame on the sender, and throttling.
 *
 * @example
 * ```ts
 * const retry = isRetryableEntryFailure(failed.SenderFault, failed.Code);
 * ```
 */
export function isRetryableEntryFailure(
  senderFault: boolean | undefined,
  code: string | undefined,
): boolean {
  if (senderFault !== true) return true;
  return code !== undefined && /throttl/i.test(code);
}
