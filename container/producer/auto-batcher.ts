import type { SQSClient } from '@aws-sdk/client-sqs';
import { ResourceExhaustedError, UnavailableError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import { AdaptiveLinger } from './adaptive-linger.js';
import { GroupLanes, type BatchLimits } from './group-lanes.js';
import { PendingSends } from './pending-sends.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { SqsBatchSender } from './sqs-batch-sender.js';
import type { AutoBatcherMetrics, PendingEntry, SentMessage, SqsBatchEntry } from './types.js';

export type { AutoBatcherMetrics, SentMessage, SqsBatchEntry } from './types.js';

/** SQS's limit on the entries of one SendMessageBatch. */
export const SQS_MAX_BATCH_ENTRIES = 10;
/** The classic SQS limit on a whole batch (the sum of its message bodies). */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;
/** How long a partial batch waits for company before it is sent, while other batches are in flight. */
export const DEFAULT_LINGER_MS = 5;
/**
 * The front's linger while sends are sparse: none. At light load a lone job
 * goes out on the next timer tick instead of waiting for company that is not
 * coming; under load sends come close together and `DEFAULT_LINGER_MS`
 * applies.
 */
export const DEFAULT_IDLE_LINGER_MS = 0;
/** SendMessageBatch calls one queue's batcher has open at once. */
export const DEFAULT_MAX_IN_FLIGHT_BATCHES = 8;
/** Entries accepted and not yet answered, beyond which `send` pushes back. */
export const DEFAULT_MAX_PENDING = 4_096;
/** The longest one SendMessageBatch call may take before it counts as failed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Options of an `SqsAutoBatcher`. */
export interface SqsAutoBatcherOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** ≤ 10 (SQS's limit). */
  maxBatchEntries?: number;
  maxBatchBytes?: number;
  lingerMs?: number;
  /**
   * The linger while sends are sparse — most come more than `lingerMs` after
   * the one before, so lingering would rarely find company (default:
   * `lingerMs`). 0 sends a partial batch on the next timer tick (about a
   * millisecond): sends made together still share a batch.
   */
  idleLingerMs?: number;
  maxInFlightBatches?: number;
  maxPending?: number;
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
}

/**
 * Sends SQS messages of one queue in SendMessageBatch calls, like the AWS Java
 * SDK's buffered client: concurrent `send`s are coalesced (≤ 10 entries and ≤
 * `maxBatchBytes` a call), a batch goes out when full or after `lingerMs`
 * (`idleLingerMs` while sends are sparse), at
 * most `maxInFlightBatches` calls are open, and failures that may pass
 * (throttling, 5xx, dropped connections, an entry SQS did not blame on us)
 * are retried with exponential backoff and full jitter until `retry` gives
 * up. Messages of one group keep their order. The buffer is bounded: when
 * `maxPending` entries wait, `send` fails fast with `ResourceExhaustedError`,
 * and streams wait on `whenWritable()` instead.
 *
 * It composes the parts that each keep one of these promises:
 * `GroupLanes` (group order), `AdaptiveLinger` (when a partial batch is
 * due), `PendingSends` (the bound, room and flushes) and `SqsBatchSender`
 * (the call, partial failures, whether to retry); this class decides when a
 * batch goes out, schedules retries and keeps the counters.
 *
 * @example
 * ```ts
 * const batcher = new SqsAutoBatcher({ sqs, queueUrl });
 * const { sequenceNumber } = await batcher.send({ id: jobId, body, groupId, deduplicationId: jobId });
 * await batcher.close();
 * ```
 */
export class SqsAutoBatcher {
  readonly #limits: BatchLimits;
  readonly #maxInFlight: number;
  readonly #now: () => number;
  readonly #lanes = new GroupLanes<PendingEntry>();
  readonly #pending: PendingSends<PendingEntry>;
  readonly #linger: AdaptiveLinger;
  readonly #sender: SqsBatchSender;
  #inFlight = 0;
  #closed = false;
  readonly #metrics = { sendBatchRequests: 0, entriesSent: 0, retries: 0, entriesFailed: 0 };

  constructor(options: SqsAutoBatcherOptions) {
    const maxEntries = Math.min(
      options.maxBatchEntries ?? SQS_MAX_BATCH_ENTRIES,
      SQS_MAX_BATCH_ENTRIES,
    );
    const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.#maxInFlight = options.maxInFlightBatches ?? DEFAULT_MAX_IN_FLIGHT_BATCHES;
    if (maxEntries < 1 || this.#maxInFlight < 1 || maxPending < 1) {
      throw new RangeError('maxBatchEntries, maxInFlightBatches and maxPending must be ≥ 1');
    }
    this.#limits = { maxEntries, maxBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES };
    this.#now = options.now ?? Date.now;
    this.#pending = new PendingSends(maxPending);
    const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
    this.#linger = new AdaptiveLinger({
      lingerMs,
      idleLingerMs: options.idleLingerMs ?? lingerMs,
      now: this.#now,
      onExpire: () => this.#pump(),
    });
    this.#sender = new SqsBatchSender({
      sqs: options.sqs,
      queueUrl: options.queueUrl,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      now: this.#now,
      random: options.random,
      logger: options.logger?.child({ queueUrl: options.queueUrl }),
    });
  }

  /** Whether `send` would accept an entry now. */
  get hasCapacity(): boolean {
    return !this.#closed && this.#pending.hasRoom;
  }

  /** Whether `close` was called: `send` fails from then on. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** A snapshot of the counters. */
  get metrics(): AutoBatcherMetrics {
    return { ...this.#metrics, pending: this.#pending.size };
  }

  /**
   * Queues one message and resolves once SQS accepted it. Rejects at once
   * with `ResourceExhaustedError` when `maxPending` entries wait, with
   * `UnavailableError` after the batcher was closed or when retries gave up,
   * and with `MessageRejectedError` when SQS refused the message itself.
   */
  send(entry: SqsBatchEntry): Promise<SentMessage> {
    if (this.#closed) {
      return Promise.reject(new UnavailableError('the server is shutting down'));
    }
    if (!this.#pending.hasRoom) {
      return Promise.reject(
        new ResourceExhaustedError(
          `too many jobs waiting to be enqueued (${this.#pending.maxPending}); retry with backoff`,
        ),
      );
    }
    const now = this.#now();
    this.#linger.noteSend(now);
    return new Promise<SentMessage>((resolve, reject) => {
      const pending: PendingEntry = {
        entry,
        groupId: entry.groupId,
        bytes: Buffer.byteLength(entry.body, 'utf8'),
        acceptedAt: now,
        attempts: 0,
        resolve,
        reject,
      };
      this.#pending.add(pending);
      this.#lanes.push(pending);
      this.#pump();
    });
  }

  /**
   * Resolves when `send` would accept an entry (or the batcher is closed, when
   * `send` fails at once): what a stream awaits instead of failing its items.
   */
  whenWritable(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#pending.whenRoom();
  }

  /** Sends everything queued now without lingering and resolves once it is all answered. */
  flush(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    const settled = this.#pending.whenSettled();
    this.#pump();
    return settled;
  }

  /** Refuses new entries, then flushes what is queued: the shutdown path. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pending.releaseRoomWaiters();
    await this.flush();
  }

  /** Sends batches while slots are free and a batch is due; arms the linger otherwise. */
  #pump(): void {
    const flushing = this.#pending.isFlushing;
    while (this.#inFlight < this.#maxInFlight && this.#lanes.readyCount > 0) {
      const due = flushing || this.#linger.expired || this.#lanes.isFull(this.#limits);
      if (!due) break;
      void this.#sendBatch(this.#lanes.take(this.#limits));
    }
    if (this.#lanes.readyCount === 0) this.#linger.disarm();
    else this.#linger.arm();
  }

  async #sendBatch(batch: PendingEntry[]): Promise<void> {
    this.#inFlight += 1;
    this.#metrics.sendBatchRequests += 1;
    const outcomes = await this.#sender.send(batch);
    this.#inFlight -= 1;
    const retry: PendingEntry[] = [];
    for (const outcome of outcomes) {
      const { pending } = outcome;
      if (outcome.kind === 'retry') {
        this.#metrics.retries += 1;
        retry.push(pending);
      } else if (outcome.kind === 'sent') {
        this.#metrics.entriesSent += 1;
        this.#pending.settle(pending);
        pending.resolve(outcome.message);
      } else {
        this.#metrics.entriesFailed += 1;
        this.#pending.settle(pending);
        pending.reject(outcome.error);
      }
    }
    this.#retryLater(this.#lanes.finish(batch, retry));
    this.#pump();
  }

  /** Wakes each held lane after a backoff, when its entries go out again. */
  #retryLater(held: ReadonlyMap<string, readonly PendingEntry[]>): void {
    for (const [groupId, retried] of held) {
      setTimeout(() => {
        this.#lanes.wake(groupId);
        this.#pump();
      }, this.#sender.retryDelayMs(retried));
    }
  }
}
