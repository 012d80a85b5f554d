import { InvalidArgumentError, type Command } from 'commander';
import {
  SluiceClientError,
  type Job,
  type JobFilter,
  type JobState,
  type SluiceClient,
} from '@sluice/client';
import type { CliIo } from '../cli-io.js';
import { EXIT_JOB_UNSUCCESSFUL, EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import { forEachInFlight } from '../for-each-in-flight.js';
import type { GlobalOptions } from '../global-options.js';
import {
  addJobFilterOptions,
  jobFilterOf,
  type JobFilterOptions,
} from '../input/job-filter-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine } from '../output/job-text.js';
import { startProgressBar } from '../output/progress-bar.js';
import { RetrySummary, type RetryOutcome } from '../output/retry-summary.js';
import { UsageError } from '../usage-error.js';

/** The states RetryJob accepts. */
const RETRYABLE_STATES: readonly JobState[] = ['FAILED', 'DEAD_LETTERED', 'CANCELLED'];
/** Jobs a bulk retry lists per page. */
const BULK_PAGE_SIZE = 100;
/** The largest page ListJobs serves. */
const MAX_PAGE_SIZE = 1000;
/** RetryJob calls a bulk retry keeps in flight. */
const RETRIES_IN_FLIGHT = 8;

interface RetryOptions extends JobFilterOptions, GlobalOptions {
  includeRetries?: boolean;
  progress: boolean;
  pageSize: number;
}

/**
 * `sluice retry <jobId>`: runs a FAILED, DEAD_LETTERED or CANCELLED job
 * again as a new job and prints it; running it twice prints the same new
 * job (marked duplicate) and creates nothing.
 *
 * `sluice retry --state DEAD_LETTERED [--channel … --since … --type …
 * --group … --attr k=v]`: retries every job the filter lists, page by page,
 * with a progress bar on a terminal (a line per page otherwise), a line per
 * job and a summary (retried, already retried, refused with reasons). The
 * listing ends at the moment the run starts (or `--until`), so a run never
 * meets the jobs it creates; jobs that are retries themselves are skipped
 * unless `--include-retries`. So a second run creates nothing new: every
 * job it lists was retried by the first one (a duplicate) or is skipped.
 *
 * @example
 * ```ts
 * addRetryCommand(program, io, setExitCode); // sluice retry --state DEAD_LETTERED --since 1d
 * ```
 */
export function addRetryCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  addJobFilterOptions(program.command('retry'))
    .addHelpText(
      'after',
      `
Examples:
  $ sluice retry 01JD6Z8W5QK3R5V2N7X9Y4T1AB
  $ sluice retry --state DEAD_LETTERED --channel default --since 1d
  $ sluice retry --state FAILED --type resize --attr team=blue --json > retried.jsonl
`,
    )
    .argument('[jobId]', 'the FAILED, DEAD_LETTERED or CANCELLED job (or a filter: --state …)')
    .option('--include-retries', 'bulk: also retry jobs that are retries themselves')
    .option('--no-progress', 'bulk: no progress bar or progress lines')
    .option('--page-size <n>', 'bulk: jobs listed per page', parsePageSize, BULK_PAGE_SIZE)
    .action(async (jobId: string | undefined, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<RetryOptions>();
      if (jobId === undefined) {
        setExitCode(await retryMatching(options, io));
        return;
      }
      if (hasFilter(options)) {
        throw new UsageError('retry: give a job id or filter flags (--state …), not both');
      }
      const client = clientFor(options);
      try {
        const { job, duplicate } = await client.retry(jobId);
        io.stdout.write(
          options.json === true
            ? `${JSON.stringify({ ...jobToJson(job), duplicate })}\n`
            : `${jobLine(job)}${duplicate ? ' (retried before)' : ''}\n`,
        );
        setExitCode(EXIT_OK);
      } finally {
        client.close();
      }
    });
}

function parsePageSize(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

function hasFilter(options: RetryOptions): boolean {
  return (
    options.state.length > 0 ||
    options.attr.length > 0 ||
    [options.channel, options.type, options.group, options.since, options.until].some(
      (value) => value !== undefined,
    ) ||
    options.includeRetries === true
  );
}

/** The bulk filter: at least one state, each one RetryJob accepts, ending when the run starts. */
function bulkFilter(options: RetryOptions, now: number): JobFilter {
  if (options.state.length === 0) {
    throw new UsageError(
      `retry: give a job id, or --state (${RETRYABLE_STATES.join(', ')}) to retry every match`,
    );
  }
  const filter = jobFilterOf(options, now);
  const wrong = (filter.states ?? []).filter((state) => !RETRYABLE_STATES.includes(state));
  if (wrong.length > 0) {
    throw new UsageError(
      `--state: ${wrong.join(', ')} cannot be retried (only ${RETRYABLE_STATES.join(', ')})`,
    );
  }
  return {
    ...filter,
    createdBefore: filter.createdBefore ?? new Date(now),
    pageSize: options.pageSize,
  };
}

async function retryMatching(options: RetryOptions, io: CliIo): Promise<number> {
  const filter = bulkFilter(options, Date.now());
  const client = clientFor(options);
  const summary = new RetrySummary();
  const bar = startProgressBar(io.stderr, {
    label: 'retrying',
    total: 0,
    enabled: options.progress,
    growing: true,
  });
  const plainLines = options.progress && io.stderr.isTTY !== true;
  try {
    let pageToken = '';
    do {
      const page = await client.listPage(filter, pageToken);
      summary.pages += 1;
      summary.addListed(page.jobs.length);
      bar.setTotal(summary.listed);
      await forEachInFlight(page.jobs, RETRIES_IN_FLIGHT, async (job) => {
        io.stdout.write(`${await retryOne(client, job, options, summary)}\n`);
        bar.update({ done: done(summary), note: `refused ${summary.refused}` });
      });
      if (plainLines) io.stderr.write(`retry: ${summary.toLine()}\n`);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  } catch (error) {
    bar.stop();
    io.stderr.write(
      `sluice: the bulk retry stopped after ${summary.toLine()}; ` +
        'running it again retries the rest (jobs retried already count as duplicates)\n',
    );
    throw error;
  } finally {
    bar.stop();
    client.close();
  }
  io.stdout.write(
    options.json === true ? `${JSON.stringify({ summary: summary.toJson() })}\n` : summary.toText(),
  );
  return summary.refused === 0 ? EXIT_OK : EXIT_JOB_UNSUCCESSFUL;
}

function done(summary: RetrySummary): number {
  return summary.retried + summary.duplicates + summary.skipped + summary.refused;
}

/** Retries (or skips) one listed job; its output line. */
async function retryOne(
  client: SluiceClient,
  job: Job,
  options: RetryOptions,
  summary: RetrySummary,
): Promise<string> {
  if (job.retryOf !== undefined && options.includeRetries !== true) {
    summary.add('skipped');
    return outcomeLine(options, job, 'skipped', { retryOf: job.retryOf });
  }
  try {
    const { job: retried, duplicate } = await client.retry(job.jobId);
    const outcome = duplicate ? 'duplicate' : 'retried';
    summary.add(outcome);
    return outcomeLine(options, job, outcome, { retriedAs: retried.jobId });
  } catch (error) {
    if (!(error instanceof SluiceClientError)) throw error;
    summary.refuse(job.jobId, error);
    return outcomeLine(options, job, 'refused', {
      error: { codeName: error.codeName, message: error.details },
    });
  }
}

function outcomeLine(
  options: RetryOptions,
  job: Job,
  outcome: RetryOutcome,
  detail: { retriedAs?: string; retryOf?: string; error?: { codeName: string; message: string } },
): string {
  if (options.json === true) return JSON.stringify({ jobId: job.jobId, outcome, ...detail });
  const text =
    outcome === 'retried'
      ? `retried as ${detail.retriedAs}`
      : outcome === 'duplicate'
        ? `already retried as ${detail.retriedAs}`
        : outcome === 'skipped'
          ? `skipped: a retry of ${detail.retryOf}`
          : `refused: ${detail.error?.codeName}: ${detail.error?.message}`;
  return `${job.jobId}  ${job.state}  ${text}`;
}
