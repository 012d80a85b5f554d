import type { BulkSubmitResult, Job, JobState } from '@sluice/client';
import type { InvalidLine } from '../input/jsonl-job-reader.js';
import { ReasonTally } from './reason-tally.js';

const MS_PER_SECOND = 1_000;

/**
 * Tallies a `submit-many` run: accepted items, duplicates, rejections
 * grouped by reason (with a few refs each), throughput, and — with
 * `--wait` — the jobs' terminal states.
 *
 * @example
 * ```ts
 * const summary = new BulkSummary();
 * for await (const result of results) summary.addResult(result);
 * summary.elapsedMs = Date.now() - startedAt;
 * io.stdout.write(summary.toText());
 * ```
 */
export class BulkSummary {
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  /** How long the submit phase took (set when it ends). */
  elapsedMs = 0;
  readonly #reasons = new ReasonTally();
  readonly #states = new Map<JobState, number>();

  /** Counts one answer of the stream. */
  addResult(result: BulkSubmitResult): void {
    if (result.error === undefined) {
      this.accepted += 1;
      if (result.duplicate) this.duplicates += 1;
      return;
    }
    const field = result.error.field === undefined ? '' : ` (field ${result.error.field})`;
    this.#reject(`${result.error.codeName}: ${result.error.details}${field}`, result.ref);
  }

  /** Counts a line of the file that never became a job. */
  addInvalidLine(line: InvalidLine): void {
    this.#reject(`invalid line: ${line.reason}`, line.ref);
  }

  /** Counts a job's terminal snapshot (with `--wait`). */
  addTerminal(job: Job): void {
    this.#states.set(job.state, (this.#states.get(job.state) ?? 0) + 1);
  }

  /** Jobs that ended in a state other than SUCCEEDED. */
  get unsuccessful(): number {
    let count = 0;
    for (const [state, jobs] of this.#states) if (state !== 'SUCCEEDED') count += jobs;
    return count;
  }

  /** The summary for humans. */
  toText(): string {
    const elapsedMs = this.elapsedMs;
    const lines = [
      `accepted ${this.accepted} (duplicates ${this.duplicates}), rejected ${this.rejected}` +
        ` in ${(elapsedMs / MS_PER_SECOND).toFixed(2)} s (${this.#rate(elapsedMs)} jobs/s)`,
    ];
    lines.push(...this.#reasons.lines('rejected'));
    if (this.#states.size > 0) {
      const states = [...this.#states].map(([state, count]) => `${state} ${count}`).join(', ');
      lines.push(`finished: ${states}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** The summary for `--json`. */
  toJson(): Record<string, unknown> {
    const elapsedMs = this.elapsedMs;
    return {
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: this.rejected,
      rejections: this.#reasons.toJson('refs'),
      elapsedMs,
      jobsPerSecond: this.#rate(elapsedMs),
      ...(this.#states.size > 0 ? { states: Object.fromEntries(this.#states) } : {}),
    };
  }

  #reject(reason: string, ref: string): void {
    this.rejected += 1;
    this.#reasons.add(reason, ref);
  }

  #rate(elapsedMs: number): number {
    return elapsedMs <= 0 ? 0 : Math.round((this.accepted * MS_PER_SECOND) / elapsedMs);
  }
}
