import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import { snapshotsSince } from './transition-snapshots.js';

/** How a subscription tells its hub what it no longer needs. */
export interface SubscriptionOwner {
  /** The subscriber has seen the job terminal: it never needs that job again. */
  jobFinished(subscription: WatchSubscription, key: JobKey): void;
  /** The subscription ended (every job terminal, closed, or failed); `openKeys` it still followed. */
  subscriptionEnded(subscription: WatchSubscription, openKeys: readonly JobKey[]): void;
}

/**
 * One watcher's view of some jobs: an async iterable of snapshots, first the
 * current record of each job, then one per change, ending once every job was
 * seen terminal. A slow reader never makes it grow: only the latest record
 * of each job waits (newer ones replace it), and when it is read the
 * transitions it skipped are replayed from the record's history.
 *
 * @example
 * ```ts
 * const subscription = hub.subscribe(records);
 * for await (const snapshot of subscription) stream.write(toProtoJob(snapshot));
 * ```
 */
export class WatchSubscription implements AsyncIterable<JobRecord> {
  readonly #owner: SubscriptionOwner;
  /** The version last handed to the reader, per job (absent: none yet). */
  readonly #delivered = new Map<string, number>();
  /** The newest record of each job not yet read, in arrival order. */
  readonly #latest = new Map<string, JobRecord>();
  /** Snapshots of one record, ready to be read. */
  #outbox: JobRecord[] = [];
  /** Jobs not yet seen terminal, by id. */
  readonly #open: Map<string, JobKey>;
  #wake: (() => void) | undefined;
  #failure: Error | undefined;
  #ended = false;

  constructor(initial: readonly JobRecord[], owner: SubscriptionOwner) {
    this.#owner = owner;
    this.#open = new Map(
      initial.map((record) => [record.jobId, { tenant: record.tenant, jobId: record.jobId }]),
    );
    for (const record of initial) this.#latest.set(record.jobId, record);
  }

  /** The keys of the jobs this subscription still follows. */
  get openKeys(): JobKey[] {
    return [...this.#open.values()];
  }

  /** A newer record of a watched job (older or equal versions are ignored). */
  offer(record: JobRecord): void {
    if (this.#ended || !this.#open.has(record.jobId)) return;
    const known = Math.max(
      this.#delivered.get(record.jobId) ?? 0,
      this.#latest.get(record.jobId)?.version ?? 0,
    );
    if (record.version <= known) return;
    this.#latest.set(record.jobId, record);
    this.#notify();
  }

  /** Ends the subscription with an error the reader receives after what it has already read. */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#failure = error;
    this.#end();
  }

  /** Ends the subscription quietly (the watcher went away). */
  close(): void {
    if (this.#ended) return;
    this.#outbox = [];
    this.#latest.clear();
    this.#end();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<JobRecord, void, undefined> {
    try {
      for (;;) {
        const next = this.#take();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#ended) return;
        if (this.#open.size === 0) {
          this.#end();
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      this.close();
    }
  }

  /** The next snapshot to read, expanding the oldest waiting record when the outbox is empty. */
  #take(): JobRecord | undefined {
    if (this.#outbox.length === 0 && this.#failure === undefined) this.#expandNext();
    return this.#outbox.shift();
  }

  #expandNext(): void {
    const first = this.#latest.entries().next();
    if (first.done === true) return;
    const [jobId, record] = first.value;
    this.#latest.delete(jobId);
    const delivered = this.#delivered.get(jobId);
    this.#outbox = delivered === undefined ? [record] : snapshotsSince(record, delivered);
    this.#delivered.set(jobId, record.version);
    const key = this.#open.get(jobId);
    if (isTerminal(record.state) && key !== undefined) {
      this.#open.delete(jobId);
      this.#owner.jobFinished(this, key);
    }
  }

  #end(): void {
    this.#ended = true;
    this.#owner.subscriptionEnded(this, this.openKeys);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
