import { UnavailableError } from '../../core/errors/index.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import { BATCH_GET_MAX_KEYS, type JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import { jobPartitionKey } from '../../core/jobs/table-schema.js';
import type { Logger } from '../../core/logging/logger.js';
import { WatchSubscription, type SubscriptionOwner } from './watch-subscription.js';

/** The poll interval right after a change or a new watcher. */
export const DEFAULT_FAST_INTERVAL_MS = 25;
/** The poll interval the hub backs off to while nothing changes. */
export const DEFAULT_SLOW_INTERVAL_MS = 500;
/** How much the interval grows after each poll that saw no change. */
const BACKOFF_FACTOR = 2;
/**
 * BatchGetItem calls of one poll in flight at once: enough to read thousands
 * of jobs within a fast interval, few enough that a large poll does not hold
 * every record (and every socket) at the same time.
 */
const POLL_CONCURRENCY = 8;

/** Options of a `WatchHub`. */
export interface WatchHubOptions {
  table: JobsTable;
  fastIntervalMs?: number;
  slowIntervalMs?: number;
  /** Called after every poll (observability; tests await it instead of sleeping). */
  onPoll?: (poll: PollReport) => void;
  logger?: Logger;
}

/** What one poll did. */
export interface PollReport {
  /** Jobs read. */
  jobs: number;
  /** Jobs whose version moved. */
  changed: number;
  /** Whether the read failed (watchers keep waiting; the next poll tries again). */
  failed: boolean;
  /** The interval until the next poll. */
  nextIntervalMs: number;
}

/** Counters of a hub: what benchmarks and tests read. */
export interface WatchHubMetrics {
  /** Polls made. */
  polls: number;
  /** BatchGetItem calls made by polls (one per ≤ 100 keys). */
  batchGetCalls: number;
  /** Keys read by polls. */
  keysRead: number;
  /** Jobs watched now (a gauge). */
  watchedJobs: number;
  /** Open subscriptions (a gauge). */
  subscriptions: number;
}

interface WatchedJob {
  readonly key: JobKey;
  /** The newest version the hub has seen. */
  version: number;
  readonly subscribers: Set<WatchSubscription>;
}

/**
 * One poller per process for every watched job: each poll reads all watched
 * records with BatchGetItem (≤ 100 keys a call) and hands a record to its
 * subscribers only when its version changed. The interval adapts: fast right
 * after a change or a new watcher, doubling up to a slow ceiling while
 * nothing changes; with nothing watched there is no timer at all.
 *
 * @example
 * ```ts
 * const hub = new WatchHub({ table });
 * const subscription = hub.subscribe(await table.batchGet(keys));
 * for await (const snapshot of subscription) console.log(snapshot.state);
 * hub.close(); // on shutdown: every subscription fails with UnavailableError
 * ```
 */
export class WatchHub implements SubscriptionOwner {
  readonly #table: JobsTable;
  readonly #fastMs: number;
  readonly #slowMs: number;
  readonly #logger: Logger | undefined;
  readonly #onPoll: ((poll: PollReport) => void) | undefined;
  readonly #watched = new Map<string, WatchedJob>();
  readonly #subscriptions = new Set<WatchSubscription>();
  readonly #metrics = { polls: 0, batchGetCalls: 0, keysRead: 0 };
  #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #nextPollAt = 0;
  #polling = false;
  /** A watcher arrived during a poll: poll again soon. */
  #hurry = false;
  #closed = false;

  constructor(options: WatchHubOptions) {
    this.#table = options.table;
    this.#fastMs = options.fastIntervalMs ?? DEFAULT_FAST_INTERVAL_MS;
    this.#slowMs = Math.max(options.slowIntervalMs ?? DEFAULT_SLOW_INTERVAL_MS, this.#fastMs);
    this.#logger = options.logger;
    this.#onPoll = options.onPoll;
    this.#intervalMs = this.#fastMs;
  }

  /** A snapshot of the counters. */
  get metrics(): WatchHubMetrics {
    return {
      ...this.#metrics,
      watchedJobs: this.#watched.size,
      subscriptions: this.#subscriptions.size,
    };
  }

  /** Whether a poll is scheduled or running (false: the hub is idle). */
  get active(): boolean {
    return this.#timer !== undefined || this.#polling;
  }

  /**
   * Follows the jobs of `records` (their current records, as the caller just
   * read them; the subscription yields these first). Throws
   * `UnavailableError` once the hub was closed.
   */
  subscribe(records: readonly JobRecord[]): WatchSubscription {
    if (this.#closed) throw new UnavailableError('the server is shutting down');
    const subscription = new WatchSubscription(records, this);
    this.#subscriptions.add(subscription);
    for (const record of records) {
      // A terminal job never changes: its subscriber has all it needs.
      if (isTerminal(record.state)) continue;
      const id = jobPartitionKey(record.tenant, record.jobId);
      let watched = this.#watched.get(id);
      if (watched === undefined) {
        watched = {
          key: { tenant: record.tenant, jobId: record.jobId },
          version: record.version,
          subscribers: new Set(),
        };
        this.#watched.set(id, watched);
      } else if (record.version > watched.version) {
        // Fresher than the last poll: the other watchers get it for free.
        watched.version = record.version;
        for (const other of watched.subscribers) other.offer(record);
      }
      watched.subscribers.add(subscription);
    }
    this.#speedUp();
    return subscription;
  }

  /** Ends every subscription with `UnavailableError` and stops polling: the shutdown path. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const subscription of [...this.#subscriptions]) {
      subscription.fail(new UnavailableError('the server is shutting down; watch again'));
    }
  }

  /** @internal A subscriber saw a job terminal. */
  jobFinished(subscription: WatchSubscription, key: JobKey): void {
    this.#unwatch(subscription, key);
    this.#idleIfUnwatched();
  }

  /** @internal A subscription ended. */
  subscriptionEnded(subscription: WatchSubscription, openKeys: readonly JobKey[]): void {
    if (!this.#subscriptions.delete(subscription)) return;
    for (const key of openKeys) this.#unwatch(subscription, key);
    this.#idleIfUnwatched();
  }

  #unwatch(subscription: WatchSubscription, key: JobKey): void {
    const id = jobPartitionKey(key.tenant, key.jobId);
    const watched = this.#watched.get(id);
    if (watched?.subscribers.delete(subscription) === true && watched.subscribers.size === 0) {
      this.#watched.delete(id);
    }
  }

  /** Polls soon: right after a new watcher, changes are likeliest. */
  #speedUp(): void {
    this.#intervalMs = this.#fastMs;
    if (this.#polling) {
      this.#hurry = true;
      return;
    }
    if (this.#timer !== undefined && this.#nextPollAt <= Date.now() + this.#fastMs) return;
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#watched.size === 0) return;
    this.#nextPollAt = Date.now() + this.#intervalMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.#intervalMs);
  }

  #idleIfUnwatched(): void {
    if (this.#watched.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#closed || this.#watched.size === 0) return;
    this.#polling = true;
    const keys = [...this.#watched.values()].map((watched) => watched.key);
    this.#metrics.polls += 1;
    const { changed, failed } = await this.#readInChunks(keys);
    this.#polling = false;
    this.#intervalMs =
      changed > 0 || this.#hurry
        ? this.#fastMs
        : Math.min(this.#intervalMs * BACKOFF_FACTOR, this.#slowMs);
    this.#hurry = false;
    this.#schedule();
    this.#onPoll?.({ jobs: keys.length, changed, failed, nextIntervalMs: this.#intervalMs });
  }

  /**
   * Reads `keys` one BatchGetItem (≤ 100 keys) at a time, at most
   * `POLL_CONCURRENCY` at once, delivering each chunk's records as they
   * arrive. A chunk that fails (transient table trouble) is logged and
   * skipped: its watchers keep waiting and the next poll reads it again.
   */
  async #readInChunks(keys: readonly JobKey[]): Promise<{ changed: number; failed: boolean }> {
    let next = 0;
    let changed = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const chunk = keys.slice(next, next + BATCH_GET_MAX_KEYS);
        next += BATCH_GET_MAX_KEYS;
        this.#metrics.batchGetCalls += 1;
        this.#metrics.keysRead += chunk.length;
        try {
          for (const record of await this.#table.batchGet(chunk)) {
            if (this.#deliver(record)) changed += 1;
          }
        } catch (error) {
          failed = true;
          this.#logger?.warn({ err: error, jobs: chunk.length }, 'watch poll read failed');
        }
      }
    };
    const workers = Math.min(POLL_CONCURRENCY, Math.ceil(keys.length / BATCH_GET_MAX_KEYS));
    await Promise.all(Array.from({ length: workers }, worker));
    return { changed, failed };
  }

  /** Hands a polled record to its subscribers when its version moved; whether it did. */
  #deliver(record: JobRecord): boolean {
    const watched = this.#watched.get(jobPartitionKey(record.tenant, record.jobId));
    if (watched === undefined || record.version <= watched.version) return false;
    watched.version = record.version;
    for (const subscription of [...watched.subscribers]) subscription.offer(record);
    return true;
  }
}
