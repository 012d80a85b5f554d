import type { JobKey, JobProgress } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import type { Logger } from '../../core/logging/logger.js';

/** Longest progress message stored; a processor's chatter is cut there. */
const MAX_PROGRESS_MESSAGE_LENGTH = 256;

/** Options of a `ProgressReporter`. */
export interface ProgressReporterOptions {
  table: JobsTable;
  key: JobKey;
  /** The record's version after it became RUNNING. */
  version: number;
  /** At most one write per this many milliseconds. */
  intervalMs: number;
  clock: () => number;
  logger: Logger;
}

/**
 * Turns a processor's progress reports into throttled, conditional record
 * writes: at most one write per interval, the last report of an interval
 * wins, and nothing ever blocks the processor. Each write bumps the record's
 * version, so the reporter owns the version the job's final write must name;
 * `close()` flushes the last report and returns it.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter({ table, key, version: running.version, intervalMs: 250, clock: Date.now, logger });
 * progress.report(0.5, 'half way');
 * const version = await progress.close();
 * await table.markSucceeded(key, version, result, 'text/plain');
 * ```
 */
export class ProgressReporter {
  readonly #table: JobsTable;
  readonly #key: JobKey;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  readonly #logger: Logger;
  #version: number;
  #pending: JobProgress | undefined;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Set when a write lost its condition: the job moved on, so stop writing. */
  #superseded = false;

  constructor(options: ProgressReporterOptions) {
    this.#table = options.table;
    this.#key = options.key;
    this.#version = options.version;
    this.#intervalMs = options.intervalMs;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** The record's version after the last progress write. */
  get version(): number {
    return this.#version;
  }

  /** Takes a report; writes it now, or when the interval allows. Never throws. */
  report(fraction: number, message = ''): void {
    if (this.#closed || this.#superseded) return;
    const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    this.#pending = { fraction: clamped, message: message.slice(0, MAX_PROGRESS_MESSAGE_LENGTH) };
    this.#schedule();
  }

  /**
   * Stops taking reports, waits for a write in flight, writes the last
   * pending report, and returns the record's version for the final write.
   */
  async close(): Promise<number> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    if (this.#pending !== undefined && !this.#superseded) await this.#write();
    return this.#version;
  }

  #schedule(): void {
    if (this.#inFlight !== undefined || this.#timer !== undefined) return;
    const wait = this.#lastWriteAt + this.#intervalMs - this.#clock();
    if (wait <= 0) {
      this.#startWrite();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#startWrite();
    }, wait);
  }

  #startWrite(): void {
    if (this.#closed || this.#pending === undefined) return;
    this.#inFlight = this.#write().finally(() => {
      this.#inFlight = undefined;
      // A report that arrived during the write goes out after the interval.
      if (this.#pending !== undefined && !this.#closed) this.#schedule();
    });
  }

  async #write(): Promise<void> {
    const progress = this.#pending;
    if (progress === undefined) return;
    this.#pending = undefined;
    this.#lastWriteAt = this.#clock();
    try {
      const updated = await this.#table.reportProgress(this.#key, this.#version, progress);
      if (updated === undefined) {
        this.#superseded = true;
        this.#logger.warn('progress not recorded: the job is no longer this attempt’s');
        return;
      }
      this.#version = updated.version;
    } catch (error) {
      // Progress is advisory: a failed write is logged and the next report tries again.
      this.#logger.warn({ err: error }, 'progress write failed');
    }
  }
}
