import { access } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_CHANNEL,
  DEFAULT_MAX_IN_FLIGHT,
  isTerminalState,
  type BulkSubmitResult,
  type SluiceClient,
} from '@sluice/client';
import type { CliIo } from '../cli-io.js';
import { EXIT_JOB_UNSUCCESSFUL, EXIT_OK } from '../exit-codes.js';
import { followJobs } from '../follow-jobs.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { countJobLines, readJsonlJobs, type InvalidLine } from '../input/jsonl-job-reader.js';
import { BulkSummary } from '../output/bulk-summary.js';
import { jobToJson } from '../output/job-json.js';
import { startProgressBar } from '../output/progress-bar.js';

/** Standard input as the jobs file. */
const STDIN_PATH = '-';

interface SubmitManyCommandOptions extends GlobalOptions {
  channel: string;
  maxInFlight: number;
  wait?: boolean;
  progress: boolean;
}

/**
 * `sluice submit-many <file>`: streams a JSON-lines file of jobs over one
 * `SubmitJobs` stream, with a progress bar on a terminal and a summary
 * (accepted, duplicates, rejections by reason, jobs/s); `--wait` then follows
 * every accepted job to its end. With `--json`, one line per item, then the
 * summary as `{"summary": …}`.
 *
 * @example
 * ```ts
 * addSubmitManyCommand(program, io, setExitCode); // sluice submit-many jobs.jsonl --wait
 * ```
 */
export function addSubmitManyCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('submit-many')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice submit-many jobs.jsonl --wait\n  $ generate-jobs | sluice submit-many - --json > results.jsonl\n',
    )
    .argument('<file>', `jobs, one JSON object a line ("${STDIN_PATH}" for stdin)`)
    .option('--channel <channel>', 'the channel of lines that name none', DEFAULT_CHANNEL)
    .option(
      '--max-in-flight <n>',
      'unanswered items at most',
      parsePositiveInteger,
      DEFAULT_MAX_IN_FLIGHT,
    )
    .option('--wait', 'then follow every accepted job until it ends')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .action(async (file: string, _options: unknown, command: Command) => {
      setExitCode(await submitMany(file, command.optsWithGlobals<SubmitManyCommandOptions>(), io));
    });
}

async function submitMany(
  file: string,
  options: SubmitManyCommandOptions,
  io: CliIo,
): Promise<number> {
  if (file !== STDIN_PATH) await access(file);
  const client = clientFor(options);
  try {
    const summary = new BulkSummary();
    const jobIds = await submitFile(client, file, options, io, summary);
    if (options.wait === true) await waitForJobs(client, [...jobIds], options, io, summary);
    io.stdout.write(
      options.json === true
        ? `${JSON.stringify({ summary: summary.toJson() })}\n`
        : summary.toText(),
    );
    return summary.rejected === 0 && summary.unsuccessful === 0 ? EXIT_OK : EXIT_JOB_UNSUCCESSFUL;
  } finally {
    client.close();
  }
}

/** Streams the file; resolves with the ids of the accepted jobs. */
async function submitFile(
  client: SluiceClient,
  file: string,
  options: SubmitManyCommandOptions,
  io: CliIo,
  summary: BulkSummary,
): Promise<Set<string>> {
  const total = file === STDIN_PATH ? 0 : await countJobLines(file);
  const bar = startProgressBar(io.stderr, {
    label: 'submitting',
    total,
    enabled: options.progress,
  });
  const jobIds = new Set<string>();
  let done = 0;
  const onAnswer = (): void => {
    done += 1;
    bar.update({ done, note: `rejected ${summary.rejected}` });
  };
  const onInvalid = (line: InvalidLine): void => {
    summary.addInvalidLine(line);
    if (options.json === true) {
      io.stdout.write(`${JSON.stringify({ ref: line.ref, error: { message: line.reason } })}\n`);
    }
    onAnswer();
  };
  const startedAt = Date.now();
  try {
    const items = readJsonlJobs(
      { path: file, stdin: io.stdin, defaultChannel: options.channel },
      onInvalid,
    );
    for await (const result of client.submitMany(items, { maxInFlight: options.maxInFlight })) {
      summary.addResult(result);
      if (result.error === undefined) jobIds.add(result.jobId);
      if (options.json === true) io.stdout.write(`${JSON.stringify(resultToJson(result))}\n`);
      onAnswer();
    }
  } finally {
    bar.stop();
    summary.elapsedMs = Date.now() - startedAt;
  }
  return jobIds;
}

async function waitForJobs(
  client: SluiceClient,
  jobIds: string[],
  options: SubmitManyCommandOptions,
  io: CliIo,
  summary: BulkSummary,
): Promise<void> {
  const bar = startProgressBar(io.stderr, {
    label: 'waiting   ',
    total: jobIds.length,
    enabled: options.progress,
  });
  let finished = 0;
  try {
    await followJobs(client, jobIds, (job) => {
      if (!isTerminalState(job.state)) return;
      finished += 1;
      summary.addTerminal(job);
      if (options.json === true) io.stdout.write(`${JSON.stringify(jobToJson(job))}\n`);
      bar.update({ done: finished, note: `unsuccessful ${summary.unsuccessful}` });
    });
  } finally {
    bar.stop();
  }
}

function resultToJson(result: BulkSubmitResult): Record<string, unknown> {
  if (result.error === undefined) {
    const { ref, jobId, duplicate, sequenceNumber } = result;
    return { ref, jobId, duplicate, sequenceNumber };
  }
  const { code, codeName, details, field, jobId } = result.error;
  return { ref: result.ref, error: { code, codeName, message: details, field, jobId } };
}

function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return value;
}
