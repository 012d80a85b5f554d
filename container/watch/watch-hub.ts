import { UnavailableError } from '../../core/errors/index.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import { BATCH_GET_MAX_KEYS, type JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import { jobPartitionKey } from '../../core/jobs/table-schema.js';
import type { Logger } from '../../core/logging/logger.js';
import { WatchSubscription, type SubscriptionOwner } from './watch-subscription.js';

/**
 * A job's poll interval right after it is watched or changed. A client
 * usually watches right after its ack, and a short job finishes a few
 * milliseconds later: the first poll decides how soon it sees that (25 ms
 * here made the watch the largest part of a light-load `echo` job's
 * submit → SUCCEEDED time). Backing off doubles from here, so a shorter
 * start adds about one read per change.
 */
export const DEFAULT_FAST_INTERVAL_MS = 10;
/** The poll interval a job backs off to while it does not change. */
export const DEFAULT_SLOW_INTERVAL_MS = 500;
/** How much a job's interval grows after each poll that saw it unchanged. */
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
  /** Jobs read (those due). */
  jobs: number;
  /** Jobs whose version moved. */
  changed: number;
  /** Whether the read failed (watchers keep waiting; the next poll tries again). */
  failed: boolean;
  /** The time until the next poll (0 when nothing is watched). */
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
  /** This job's poll interval: fast after a change, backing off while it does not change. */
  intervalMs: number;
  /** When this job is next read (epoch ms). */
  dueAt: number;
}

/**
 * One poller per process for every watched job: each poll reads the watched
 * records that are due with BatchGetItem (≤ 100 keys a call) and hands a
 * record to its subscribers only when its version changed. Each job has its
 * own interval: fast when it is first watched and after each change (when
 * the next change is likeliest), doubling up to a slow ceiling while it does
 * not change. Jobs at the ceiling share one cadence, so the idle ones are
 * read together, in full calls, once per slow interval; a backlog of waiting
 * jobs costs one read per job per slow interval however busy the rest of the
 * system is. Jobs due within one fast interval are read in the same poll.
 * With nothing watched there is no timer at all.
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
  #timer: NodeJS.Timeout | undefined;
  #nextPollAt = 0;
  #polling = false;
  #closed = false;

  constructor(options: WatchHubOptions) {
    this.#table = options.table;
    this.#fastMs = options.fastIntervalMs ?? DEFAULT_FAST_INTERVAL_MS;
    this.#slowMs = Math.max(options.slowIntervalMs ?? DEFAULT_SLOW_INTERVAL_MS, this.#fastMs);
    this.#logger = options.logger;
    this.#onPoll = options.onPoll;
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
    const dueAt = Date.now() + this.#fastMs;
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
          intervalMs: this.#fastMs,
          dueAt,
        };
        this.#watched.set(id, watched);
      } else if (record.version > watched.version) {
        // Fresher than the last poll: the other watchers get it for free.
        this.#changed(watched, record.version, dueAt - this.#fastMs);
        for (const other of watched.subscribers) other.offer(record);
      }
      watched.subscribers.add(subscription);
    }
    this.#scheduleBy(dueAt);
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

  /** Makes sure a poll happens by `dueAt` (a poll in progress schedules the next itself). */
  #scheduleBy(dueAt: number): void {
    if (this.#polling || this.#closed) return;
    if (this.#timer !== undefined && this.#nextPollAt <= dueAt) return;
    this.#scheduleAt(dueAt);
  }

  #scheduleAt(at: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#watched.size === 0) return;
    this.#nextPollAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#poll();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** A job changed: poll it fast again. */
  #changed(watched: WatchedJob, version: number, now: number): void {
    watched.version = version;
    watched.intervalMs = this.#fastMs;
    watched.dueAt = now + this.#fastMs;
  }

  /** A job was read unchanged: back off, joining the shared slow cadence at the ceiling. */
  #unchanged(watched: WatchedJob, now: number): void {
    watched.intervalMs = Math.min(watched.intervalMs * BACKOFF_FACTOR, this.#slowMs);
    watched.dueAt =
      watched.intervalMs < this.#slowMs
        ? now + watched.intervalMs
        : Math.round((now + this.#slowMs) / this.#slowMs) * this.#slowMs;
  }

  #idleIfUnwatched(): void {
    if (this.#watched.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#closed || this.#watched.size === 0) return;
    this.#polling = true;
    const horizon = Date.now() + this.#fastMs;
    const due: WatchedJob[] = [];
    for (const watched of this.#watched.values()) if (watched.dueAt <= horizon) due.push(watched);
    this.#metrics.polls += 1;
    const { changed, failed } = await this.#readInChunks(due);
    this.#polling = false;
    const now = Date.now();
    // A job read in this poll and unchanged (or unreadable) backs off from now.
    for (const watched of due) if (!changed.has(watched)) this.#unchanged(watched, now);
    let nextPollAt = Number.POSITIVE_INFINITY;
    for (const watched of this.#watched.values()) nextPollAt = Math.min(nextPollAt, watched.dueAt);
    this.#scheduleAt(nextPollAt);
    this.#onPoll?.({
      jobs: due.length,
      changed: changed.size,
      failed,
      nextIntervalMs: Number.isFinite(nextPollAt) ? Math.max(0, nextPollAt - now) : 0,
    });
  }

  /**
   * Reads the due jobs one BatchGetItem (≤ 100 keys) at a time, at most
   * `POLL_CONCURRENCY` at once, delivering each chunk's records as they
   * arrive. A chunk that fails (transient table trouble) is logged and
   * skipped: its watchers keep waiting and a later poll reads it again.
   */
  async #readInChunks(
    due: readonly WatchedJob[],
  ): Promise<{ changed: Set<WatchedJob>; failed: boolean }> {
    const keys = due.map((watched) => watched.key);
    let next = 0;
    const changed = new Set<WatchedJob>();
    let failed = false;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const chunk = keys.slice(next, next + BATCH_GET_MAX_KEYS);
        next += BATCH_GET_MAX_KEYS;
        this.#metrics.batchGetCalls += 1;
        this.#metrics.keysRead += chunk.length;
        try {
          // Eventually consistent: half the read units, and a stale record only repeats a
          // version already seen (ignored) or misses a change the next poll reads.
          for (const record of await this.#table.batchGet(chunk, { consistentRead: false })) {
            const watched = this.#deliver(record);
            if (watched !== undefined) changed.add(watched);
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

  /** Hands a polled record to its subscribers when its version moved; the job, if it did. */
  #deliver(record: JobRecord): WatchedJob | undefined {
    const watched = this.#watched.get(jobPartitionKey(record.tenant, record.jobId));
    if (watched === undefined || record.version <= watched.version) return undefined;
    this.#changed(watched, record.version, Date.now());
    for (const subscription of [...watched.subscribers]) subscription.offer(record);
    return watched;
  }
}
