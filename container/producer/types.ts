/**
 * One message to send. `id` is the job id (for logs); the batch entry ids
 * SQS sees are per-batch indexes, so the same job may be sent twice at once.
 *
 * @example
 * ```ts
 * const entry: SqsBatchEntry = { id: jobId, body, groupId: 'acme:orders', deduplicationId: jobId };
 * ```
 */
export interface SqsBatchEntry {
  id: string;
  body: string;
  groupId: string;
  deduplicationId: string;
}

/**
 * What SQS answered for an accepted message.
 *
 * @example
 * ```ts
 * const { sequenceNumber }: SentMessage = await batcher.send(entry);
 * ```
 */
export interface SentMessage {
  messageId: string;
  sequenceNumber: string;
}

/**
 * Counters of one batcher (or, summed, of a process): what benchmarks read
 * from the front's `/metrics`, so their names are stable.
 *
 * @example
 * ```ts
 * const { sendBatchRequests, entriesSent }: AutoBatcherMetrics = batcher.metrics;
 * ```
 */
export interface AutoBatcherMetrics {
  /** SendMessageBatch calls made (retries included). */
  sendBatchRequests: number;
  /** Entries SQS accepted. */
  entriesSent: number;
  /** Entries sent again after a retryable failure. */
  retries: number;
  /** Entries that finally failed (rejected by SQS or given up). */
  entriesFailed: number;
  /** Entries accepted by `send` and not yet answered (a gauge). */
  pending: number;
}

/**
 * A message the batcher accepted and has not answered yet: the entry with
 * what the parts of the batcher need to know about it. Its group and size
 * are fixed; its attempts grow with each SendMessageBatch it goes out in.
 *
 * @example
 * ```ts
 * const pending: PendingEntry = { entry, groupId: entry.groupId, bytes, acceptedAt: now(), attempts: 0, resolve, reject };
 * ```
 */
export interface PendingEntry {
  readonly entry: SqsBatchEntry;
  /** `entry.groupId`: the lane the entry waits in. */
  readonly groupId: string;
  /** The body's size in UTF-8 bytes, what SQS's batch limit counts. */
  readonly bytes: number;
  /** When `send` accepted it (epoch ms): retries stop some time after. */
  readonly acceptedAt: number;
  /** SendMessageBatch calls it went out in so far. */
  attempts: number;
  resolve(sent: SentMessage): void;
  reject(error: Error): void;
}
