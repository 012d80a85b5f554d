import type { SluiceClientError } from '@sluice/client';
import { ReasonTally } from './reason-tally.js';

/**
 * What a bulk retry did with one listed job: `retried` (a new job now),
 * `duplicate` (an earlier retry had created its new job: nothing new),
 * `skipped` (the job is itself a retry: see `RetrySummary`) or `refused`.
 *
 * @example
 * ```ts
 * const outcome: RetryOutcome = duplicate ? 'duplicate' : 'retried';
 * ```
 */
export type RetryOutcome = 'retried' | 'duplicate' | 'skipped' | 'refused';

/**
 * Tallies a bulk `sluice retry`: jobs retried now, jobs an earlier retry had
 * retried already (duplicates: a second run counts every job here and
 * creates nothing), jobs skipped because they are retries themselves, and
 * refusals grouped by reason with a few job ids each.
 *
 * @example
 * ```ts
 * const summary = new RetrySummary();
 * summary.add('retried');
 * summary.refuse(jobId, error);
 * io.stdout.write(summary.toText());
 * ```
 */
export class RetrySummary {
  listed = 0;
  retried = 0;
  duplicates = 0;
  skipped = 0;
  refused = 0;
  /** Pages of the listing read so far. */
  pages = 0;
  readonly #reasons = new ReasonTally();

  /** Counts a job listed by the filter (before it is retried or skipped). */
  addListed(count: number): void {
    this.listed += count;
  }

  /** Counts a job's outcome other than a refusal. */
  add(outcome: Exclude<RetryOutcome, 'refused'>): void {
    if (outcome === 'retried') this.retried += 1;
    else if (outcome === 'duplicate') this.duplicates += 1;
    else this.skipped += 1;
  }

  /** Counts a job the front refused to retry, under its reason. */
  refuse(jobId: string, error: SluiceClientError): void {
    this.refused += 1;
    this.#reasons.add(`${error.codeName}: ${error.details}`, jobId);
  }

  /** The running figures on one line (progress on a stream that is not a terminal). */
  toLine(): string {
    return (
      `page ${this.pages}, listed ${this.listed}: retried ${this.retried}, ` +
      `already retried ${this.duplicates}, skipped ${this.skipped}, refused ${this.refused}`
    );
  }

  /** The summary for humans. */
  toText(): string {
    const lines = [
      `retried ${this.retried} new, ${this.duplicates} already retried (duplicate), ` +
        `${this.refused} refused, ${this.skipped} skipped (retries of earlier jobs)` +
        ` — ${this.listed} listed in ${this.pages} pages`,
    ];
    lines.push(...this.#reasons.lines('refused'));
    if (this.skipped > 0) {
      lines.push(
        '  skipped jobs are retries that failed again; --include-retries retries them too',
      );
    }
    return `${lines.join('\n')}\n`;
  }

  /** The summary for `--json`. */
  toJson(): Record<string, unknown> {
    return {
      listed: this.listed,
      pages: this.pages,
      retried: this.retried,
      duplicates: this.duplicates,
      skipped: this.skipped,
      refused: this.refused,
      refusals: this.#reasons.toJson('jobIds'),
    };
  }
}
