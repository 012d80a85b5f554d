import { DependencyRejectedError } from '../errors/dependency-rejected-error.js';
import { dependencyFailureKind } from '../errors/dependency-failure.js';

/**
 * Whether a failed SQS call (the whole request) may succeed if tried again:
 * throttling, a server fault (5xx), a timeout or a dropped connection. A
 * client fault (bad request, missing queue, no permission) will not, nor
 * will a bug.
 *
 * @example
 * ```ts
 * if (isRetryableSqsError(error)) scheduleRetry(batch);
 * ```
 */
export function isRetryableSqsError(error: unknown): boolean {
  return dependencyFailureKind(error) === 'transient';
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
  return dependencyFailureKind({ SenderFault: senderFault === true, Code: code }) === 'transient';
}

/**
 * What the jobs of a SendMessageBatch that will not be retried fail with: a
 * refusal SQS answered is `DependencyRejectedError` (INTERNAL: the same
 * request fails again); anything else that is not SQS trouble is a bug and
 * fails them as it is (INTERNAL too). Never UNAVAILABLE, which clients retry.
 *
 * @example
 * ```ts
 * for (const pending of batch) pending.reject(unretriedSendFailure(error));
 * ```
 */
export function unretriedSendFailure(failure: unknown): Error {
  if (dependencyFailureKind(failure) === 'rejected') {
    return new DependencyRejectedError('enqueue the job', failure);
  }
  return failure instanceof Error ? failure : new Error(String(failure));
}
