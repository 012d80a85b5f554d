import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { UnavailableError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import { fullJitterDelayMs } from '../../core/retry/full-jitter-backoff.js';
import { MessageRejectedError } from './message-rejected-error.js';
import { mayRetry, type RetryPolicy } from './retry-policy.js';
import {
  isRetryableEntryFailure,
  isRetryableSqsError,
  unretriedSendFailure,
} from './retryable-sqs-error.js';
import type { PendingEntry, SentMessage } from './types.js';

/**
 * What became of one entry of a batch: SQS accepted it, it failed for good
 * (`MessageRejectedError` when SQS refused it, `UnavailableError` when
 * retries are over or the call cannot succeed), or it should go again.
 *
 * @example
 * ```ts
 * for (const outcome of await sender.send(batch)) if (outcome.kind === 'sent') outcome.pending.resolve(outcome.message);
 * ```
 */
export type EntryOutcome = { readonly pending: PendingEntry } & (
  | { readonly kind: 'sent'; readonly message: SentMessage }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'retry' }
);

/** Options of an `SqsBatchSender`. */
export interface SqsBatchSenderOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The longest one SendMessageBatch call may take before it counts as failed. */
  requestTimeoutMs: number;
  retry: RetryPolicy;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
}

/** An entry absent from both lists of a batch's answer: SQS did not say, so it may go again. */
const MISSING_ENTRY = { Code: 'Missing', Message: 'entry absent from the batch result' };

/**
 * Sends one batch in one SendMessageBatch call and says what became of each
 * entry. SQS answers per entry: some may be accepted and others failed, and
 * only a failure SQS blames on the sender (other than throttling) is final;
 * the rest — and a whole call that failed in a way that may pass
 * (throttling, 5xx, a timeout, a dropped connection) — is retried until
 * `retry` (attempts, time since `send`) says stop. Retrying is safe: every
 * entry's deduplication id is its job id. The sender holds no state between
 * batches; when to send and when to try again is the batcher's.
 *
 * @example
 * ```ts
 * const sender = new SqsBatchSender({ sqs, queueUrl, requestTimeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
 * const outcomes = await sender.send(batch); // one per entry, in batch order
 * const retried = outcomes.filter((o) => o.kind === 'retry').map((o) => o.pending);
 * if (retried.length > 0) setTimeout(resend, sender.retryDelayMs(retried));
 * ```
 */
export class SqsBatchSender {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #logger: Logger | undefined;

  constructor(options: SqsBatchSenderOptions) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#retry = options.retry;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger;
  }

  /**
   * Sends `batch` (≤ 10 entries, SQS's limit) and answers one outcome per
   * entry, in batch order; counts an attempt on each entry. Never rejects.
   * A whole call that fails in a way that cannot pass is logged here.
   */
  async send(batch: readonly PendingEntry[]): Promise<EntryOutcome[]> {
    for (const pending of batch) pending.attempts += 1;
    try {
      const output = await this.#sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: batch.map((pending, index) => ({
            Id: String(index),
            MessageBody: pending.entry.body,
            MessageGroupId: pending.entry.groupId,
            MessageDeduplicationId: pending.entry.deduplicationId,
          })),
        }),
        { abortSignal: AbortSignal.timeout(this.#requestTimeoutMs) },
      );
      return this.#outcomesOf(batch, output);
    } catch (error) {
      return this.#outcomesOfFailure(batch, error);
    }
  }

  /**
   * The backoff before retried entries go out again: full jitter over the
   * most attempts any of them made.
   */
  retryDelayMs(retried: readonly PendingEntry[]): number {
    const attempts = Math.max(...retried.map((pending) => pending.attempts));
    return fullJitterDelayMs(attempts, this.#retry, this.#random);
  }

  /** SQS answered the call: each entry was accepted, refused, or failed in a way that may pass. */
  #outcomesOf(
    batch: readonly PendingEntry[],
    output: SendMessageBatchCommandOutput,
  ): EntryOutcome[] {
    const successful = new Map((output.Successful ?? []).map((s) => [s.Id, s]));
    const failed = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
    return batch.map((pending, index): EntryOutcome => {
      const id = String(index);
      const ok = successful.get(id);
      if (ok !== undefined) {
        return {
          pending,
          kind: 'sent',
          message: { messageId: ok.MessageId ?? '', sequenceNumber: ok.SequenceNumber ?? '' },
        };
      }
      const entryFailure = failed.get(id);
      if (
        entryFailure !== undefined &&
        !isRetryableEntryFailure(entryFailure.SenderFault, entryFailure.Code)
      ) {
        const error = new MessageRejectedError(
          entryFailure.Code ?? 'Unknown',
          entryFailure.Message ?? '',
        );
        return { pending, kind: 'failed', error };
      }
      return this.#retryOrGiveUp(pending, entryFailure ?? MISSING_ENTRY);
    });
  }

  /** The whole call failed: every entry goes again, or fails when it may not. */
  #outcomesOfFailure(batch: readonly PendingEntry[], failure: unknown): EntryOutcome[] {
    if (!isRetryableSqsError(failure)) {
      this.#logger?.error({ err: failure, entries: batch.length }, 'SendMessageBatch failed');
      return batch.map((pending) => ({
        pending,
        kind: 'failed',
        error: unretriedSendFailure(failure),
      }));
    }
    return batch.map((pending) => this.#retryOrGiveUp(pending, failure));
  }

  /** A retry while the policy allows one; else a failure that says how many attempts were made. */
  #retryOrGiveUp(pending: PendingEntry, cause: unknown): EntryOutcome {
    const elapsedMs = this.#now() - pending.acceptedAt;
    if (mayRetry(this.#retry, pending.attempts, elapsedMs)) return { pending, kind: 'retry' };
    this.#logger?.warn(
      { err: cause, jobId: pending.entry.id, attempts: pending.attempts, elapsedMs },
      'giving up sending a message',
    );
    const error = new UnavailableError(
      `the queue did not accept the job after ${pending.attempts} attempts`,
      { cause },
    );
    return { pending, kind: 'failed', error };
  }
}
