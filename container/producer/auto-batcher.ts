import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ResourceExhaustedError, UnavailableError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import { fullJitterDelayMs } from '../../core/retry/full-jitter-backoff.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { MessageRejectedError } from './message-rejected-error.js';
import {
  isRetryableEntryFailure,
  isRetryableSqsError,
  unretriedSendFailure,
} from './retryable-sqs-error.js';

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
/** Weight of the newest send in the running share of sends that came within a linger of the last. */
const CLOSE_SEND_SMOOTHING = 0.2;
/** Sends count as dense (lingering finds company) when at least this share came close together. */
const DENSE_SHARE = 0.5;
/** SendMessageBatch calls one queue's batcher has open at once. */
export const DEFAULT_MAX_IN_FLIGHT_BATCHES = 8;
/** Entries accepted and not yet answered, beyond which `send` pushes back. */
export const DEFAULT_MAX_PENDING = 4_096;
/** The longest one SendMessageBatch call may take before it counts as failed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * One message to send. `id` is the job id (for logs); the batch entry ids
 * SQS sees are per-batch indexes, so the same job may be sent twice at once.
 */
export interface SqsBatchEntry {
  id: string;
  body: string;
  groupId: string;
  deduplicationId: string;
}

/** What SQS answered for an accepted message. */
export interface SentMessage {
  messageId: string;
  sequenceNumber: string;
}

/** Counters of one batcher (or, summed, of a process): what benchmarks read. */
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

interface PendingEntry {
  readonly entry: SqsBatchEntry;
  readonly bytes: number;
  readonly acceptedAt: number;
  attempts: number;
  resolve(sent: SentMessage): void;
  reject(error: Error): void;
}

/**
 * The entries of one message group, in send order. A lane is `busy` while
 * some of its entries are in a batch or waiting for a retry: its later
 * entries wait, so a group reaches SQS in the order it was sent even across
 * concurrent batches and retries.
 */
interface Lane {
  readonly groupId: string;
  readonly entries: PendingEntry[];
  busy: boolean;
}

interface FlushWaiter {
  readonly remaining: Set<PendingEntry>;
  resolve(): void;
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
 * @example
 * ```ts
 * const batcher = new SqsAutoBatcher({ sqs, queueUrl });
 * const { sequenceNumber } = await batcher.send({ id: jobId, body, groupId, deduplicationId: jobId });
 * await batcher.close();
 * ```
 */
export class SqsAutoBatcher {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #lingerMs: number;
  readonly #idleLingerMs: number;
  readonly #maxInFlight: number;
  readonly #maxPending: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #logger: Logger | undefined;

  readonly #lanes = new Map<string, Lane>();
  /** Lanes with entries that may go into the next batch, oldest first. */
  readonly #runnable = new Set<Lane>();
  readonly #pendingEntries = new Set<PendingEntry>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #readyCount = 0;
  #readyBytes = 0;
  #inFlight = 0;
  #lingerTimer: NodeJS.Timeout | undefined;
  /** When the armed linger timer fires (epoch ms). */
  #lingerDeadline = 0;
  /** Running share of sends that came within `lingerMs` of the one before (0 to 1). */
  #closeShare = 0;
  #lastSendAt: number | undefined;
  #lingerExpired = false;
  #closed = false;
  #flushWaiters: FlushWaiter[] = [];
  #capacityWaiters: (() => void)[] = [];
  readonly #metrics = { sendBatchRequests: 0, entriesSent: 0, retries: 0, entriesFailed: 0 };

  constructor(options: SqsAutoBatcherOptions) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#maxEntries = Math.min(
      options.maxBatchEntries ?? SQS_MAX_BATCH_ENTRIES,
      SQS_MAX_BATCH_ENTRIES,
    );
    this.#maxBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.#lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
    this.#idleLingerMs = options.idleLingerMs ?? this.#lingerMs;
    this.#maxInFlight = options.maxInFlightBatches ?? DEFAULT_MAX_IN_FLIGHT_BATCHES;
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger?.child({ queueUrl: options.queueUrl });
    if (this.#maxEntries < 1 || this.#maxInFlight < 1 || this.#maxPending < 1) {
      throw new RangeError('maxBatchEntries, maxInFlightBatches and maxPending must be ≥ 1');
    }
  }

  /** Whether `send` would accept an entry now. */
  get hasCapacity(): boolean {
    return !this.#closed && this.#pendingEntries.size < this.#maxPending;
  }

  /** Whether `close` was called: `send` fails from then on. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** A snapshot of the counters. */
  get metrics(): AutoBatcherMetrics {
    return { ...this.#metrics, pending: this.#pendingEntries.size };
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
    if (this.#pendingEntries.size >= this.#maxPending) {
      return Promise.reject(
        new ResourceExhaustedError(
          `too many jobs waiting to be enqueued (${this.#maxPending}); retry with backoff`,
        ),
      );
    }
    const now = this.#now();
    this.#noteGap(now);
    return new Promise<SentMessage>((resolve, reject) => {
      const pending: PendingEntry = {
        entry,
        bytes: Buffer.byteLength(entry.body, 'utf8'),
        acceptedAt: now,
        attempts: 0,
        resolve,
        reject,
      };
      this.#pendingEntries.add(pending);
      this.#enqueue(pending);
      this.#pump();
    });
  }

  /**
   * Resolves when `send` would accept an entry (or the batcher is closed, when
   * `send` fails at once): what a stream awaits instead of failing its items.
   */
  whenWritable(): Promise<void> {
    if (this.#closed || this.#pendingEntries.size < this.#maxPending) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  /** Sends everything queued now without lingering and resolves once it is all answered. */
  flush(): Promise<void> {
    if (this.#pendingEntries.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      this.#flushWaiters.push({ remaining: new Set(this.#pendingEntries), resolve });
    });
    this.#pump();
    return done;
  }

  /** Refuses new entries, then flushes what is queued: the shutdown path. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#releaseCapacityWaiters();
    await this.flush();
  }

  /** Counts a send at `now` into the running share of sends that came close together. */
  #noteGap(now: number): void {
    if (this.#lastSendAt !== undefined) {
      const close = now - this.#lastSendAt <= this.#lingerMs ? 1 : 0;
      this.#closeShare += CLOSE_SEND_SMOOTHING * (close - this.#closeShare);
    }
    this.#lastSendAt = now;
  }

  #enqueue(pending: PendingEntry): void {
    let lane = this.#lanes.get(pending.entry.groupId);
    if (lane === undefined) {
      lane = { groupId: pending.entry.groupId, entries: [], busy: false };
      this.#lanes.set(lane.groupId, lane);
    }
    lane.entries.push(pending);
    if (!lane.busy) {
      this.#runnable.add(lane);
      this.#readyCount += 1;
      this.#readyBytes += pending.bytes;
    }
  }

  /** Sends batches while slots are free and a batch is due; arms the linger timer otherwise. */
  #pump(): void {
    const flushing = this.#flushWaiters.length > 0;
    while (this.#inFlight < this.#maxInFlight && this.#readyCount > 0) {
      const full = this.#readyCount >= this.#maxEntries || this.#readyBytes >= this.#maxBytes;
      if (!full && !this.#lingerExpired && !flushing) break;
      void this.#sendBatch(this.#takeBatch());
    }
    if (this.#readyCount === 0) {
      this.#lingerExpired = false;
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = undefined;
    } else if (!this.#lingerExpired) {
      // A shorter linger than the one armed (sends became sparse) takes over.
      const lingerMs = this.#closeShare >= DENSE_SHARE ? this.#lingerMs : this.#idleLingerMs;
      const deadline = this.#now() + lingerMs;
      if (this.#lingerTimer !== undefined && this.#lingerDeadline <= deadline) return;
      clearTimeout(this.#lingerTimer);
      this.#lingerDeadline = deadline;
      this.#lingerTimer = setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#lingerExpired = true;
        this.#pump();
      }, lingerMs);
    }
  }

  /** Takes up to one batch from the runnable lanes, oldest first; their lanes become busy. */
  #takeBatch(): PendingEntry[] {
    const batch: PendingEntry[] = [];
    let bytes = 0;
    for (const lane of this.#runnable) {
      let taken = 0;
      while (lane.entries.length > taken && batch.length < this.#maxEntries) {
        const next = lane.entries[taken] as PendingEntry;
        if (batch.length > 0 && bytes + next.bytes > this.#maxBytes) break;
        batch.push(next);
        bytes += next.bytes;
        taken += 1;
      }
      if (taken === 0) break;
      this.#runnable.delete(lane);
      lane.busy = true;
      // The lane's entries, taken or not, stop being ready until its batch is answered.
      for (const entry of lane.entries) {
        this.#readyCount -= 1;
        this.#readyBytes -= entry.bytes;
      }
      lane.entries.splice(0, taken);
      if (batch.length >= this.#maxEntries || bytes >= this.#maxBytes) break;
    }
    return batch;
  }

  async #sendBatch(batch: PendingEntry[]): Promise<void> {
    this.#inFlight += 1;
    this.#metrics.sendBatchRequests += 1;
    for (const pending of batch) pending.attempts += 1;
    let output: SendMessageBatchCommandOutput | undefined;
    let failure: unknown;
    try {
      output = await this.#sqs.send(
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
    } catch (error) {
      failure = error;
    }
    this.#inFlight -= 1;
    const retry =
      output === undefined ? this.#failBatch(batch, failure) : this.#settleBatch(batch, output);
    this.#releaseLanes(batch, retry);
    this.#pump();
  }

  /** Resolves the accepted entries; returns those to send again. */
  #settleBatch(batch: PendingEntry[], output: SendMessageBatchCommandOutput): PendingEntry[] {
    const retry: PendingEntry[] = [];
    const successful = new Map((output.Successful ?? []).map((s) => [s.Id, s]));
    const failed = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
    batch.forEach((pending, index) => {
      const id = String(index);
      const ok = successful.get(id);
      if (ok !== undefined) {
        this.#metrics.entriesSent += 1;
        this.#settle(pending);
        pending.resolve({ messageId: ok.MessageId ?? '', sequenceNumber: ok.SequenceNumber ?? '' });
        return;
      }
      const entryFailure = failed.get(id);
      if (
        entryFailure !== undefined &&
        !isRetryableEntryFailure(entryFailure.SenderFault, entryFailure.Code)
      ) {
        this.#fail(
          pending,
          new MessageRejectedError(entryFailure.Code ?? 'Unknown', entryFailure.Message ?? ''),
        );
        return;
      }
      const cause = entryFailure ?? {
        Code: 'Missing',
        Message: 'entry absent from the batch result',
      };
      if (this.#mayRetry(pending, cause)) retry.push(pending);
    });
    return retry;
  }

  /** The whole call failed: every entry is retried, or failed when it may not be. */
  #failBatch(batch: PendingEntry[], failure: unknown): PendingEntry[] {
    if (!isRetryableSqsError(failure)) {
      this.#logger?.error({ err: failure, entries: batch.length }, 'SendMessageBatch failed');
      for (const pending of batch) {
        this.#fail(pending, unretriedSendFailure(failure));
      }
      return [];
    }
    return batch.filter((pending) => this.#mayRetry(pending, failure));
  }

  /** Whether `pending` is tried again; fails it with `UnavailableError` when it is not. */
  #mayRetry(pending: PendingEntry, cause: unknown): boolean {
    const elapsedMs = this.#now() - pending.acceptedAt;
    if (pending.attempts >= this.#retry.maxAttempts || elapsedMs >= this.#retry.giveUpAfterMs) {
      this.#logger?.warn(
        { err: cause, jobId: pending.entry.id, attempts: pending.attempts, elapsedMs },
        'giving up sending a message',
      );
      this.#fail(
        pending,
        new UnavailableError(
          `the queue did not accept the job after ${pending.attempts} attempts`,
          {
            cause,
          },
        ),
      );
      return false;
    }
    this.#metrics.retries += 1;
    return true;
  }

  /** Frees the lanes of an answered batch; lanes with entries to retry wait out their backoff. */
  #releaseLanes(batch: PendingEntry[], retry: PendingEntry[]): void {
    const retryByLane = new Map<string, PendingEntry[]>();
    for (const pending of retry) {
      const list = retryByLane.get(pending.entry.groupId) ?? [];
      list.push(pending);
      retryByLane.set(pending.entry.groupId, list);
    }
    const lanes = new Set(batch.map((pending) => pending.entry.groupId));
    for (const groupId of lanes) {
      const lane = this.#lanes.get(groupId) as Lane;
      const again = retryByLane.get(groupId);
      if (again === undefined) {
        this.#wakeLane(lane);
        continue;
      }
      lane.entries.unshift(...again);
      const attempts = Math.max(...again.map((pending) => pending.attempts));
      const timer = setTimeout(
        () => {
          this.#retryTimers.delete(timer);
          this.#wakeLane(lane);
          this.#pump();
        },
        fullJitterDelayMs(attempts, this.#retry, this.#random),
      );
      this.#retryTimers.add(timer);
    }
  }

  #wakeLane(lane: Lane): void {
    lane.busy = false;
    if (lane.entries.length === 0) {
      this.#lanes.delete(lane.groupId);
      return;
    }
    this.#runnable.add(lane);
    for (const entry of lane.entries) {
      this.#readyCount += 1;
      this.#readyBytes += entry.bytes;
    }
  }

  #fail(pending: PendingEntry, error: Error): void {
    this.#metrics.entriesFailed += 1;
    this.#settle(pending);
    pending.reject(error);
  }

  /** Bookkeeping of an answered entry: capacity and flushes. */
  #settle(pending: PendingEntry): void {
    this.#pendingEntries.delete(pending);
    if (this.#flushWaiters.length > 0) {
      this.#flushWaiters = this.#flushWaiters.filter((waiter) => {
        waiter.remaining.delete(pending);
        if (waiter.remaining.size > 0) return true;
        waiter.resolve();
        return false;
      });
    }
    if (this.#pendingEntries.size < this.#maxPending) this.#releaseCapacityWaiters();
  }

  #releaseCapacityWaiters(): void {
    if (this.#capacityWaiters.length === 0) return;
    const waiters = this.#capacityWaiters;
    this.#capacityWaiters = [];
    for (const wake of waiters) wake();
  }
}
