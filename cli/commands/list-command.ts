import type { Command } from 'commander';
import type { JobFilter, JobState } from '../../client/index.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine } from '../output/job-text.js';
import { UsageError } from '../usage-error.js';

/** Units of `--since` / `--until` durations, in milliseconds. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const DURATION_PATTERN = /^(\d+)([smhd])$/;

interface ListOptions {
  channel?: string;
  state: string[];
  type?: string;
  group?: string;
  attr: string[];
  since?: string;
  until?: string;
  limit?: string;
}

/** A time: a duration back from now (`1h`, `30m`) or an ISO date. */
function parseTime(value: string, flag: string): Date {
  const duration = DURATION_PATTERN.exec(value);
  if (duration !== null) {
    return new Date(Date.now() - Number(duration[1]) * (DURATION_UNITS[duration[2] ?? 's'] ?? 0));
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag}: "${value}" is neither a duration (1h, 30m, 2d) nor a date`);
  }
  return date;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The filter of `sluice list` (and of a bulk retry): the flags as the API's
 * filter.
 */
function filterOf(local: ListOptions): JobFilter {
  const attributes: Record<string, string> = {};
  for (const pair of local.attr) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--attr: "${pair}" is not key=value`);
    attributes[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    channel: local.channel,
    states: local.state.map((state) => state.toUpperCase() as JobState),
    type: local.type,
    groupKey: local.group,
    attributes,
    createdAfter: local.since === undefined ? undefined : parseTime(local.since, '--since'),
    createdBefore: local.until === undefined ? undefined : parseTime(local.until, '--until'),
  };
}

/**
 * `sluice list [--channel --state --type --group --attr k=v --since 1h
 * --until … --limit N]`: the caller's jobs, newest first, one line each
 * (`--json`: one JSON object a line), page by page until the list or the
 * limit ends.
 *
 * @example
 * ```ts
 * addListCommand(program, io, setExitCode); // sluice list --state FAILED --since 1h
 * ```
 */
export function addListCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('list')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice list --state FAILED --state DEAD_LETTERED --since 1h\n  $ sluice list --channel default --type echo --attr team=blue --limit 20 --json\n',
    )
    .option('--channel <name>', 'only this channel')
    .option('--state <state>', 'only this state (repeatable)', collect, [])
    .option('--type <type>', 'only this job type')
    .option('--group <key>', 'only this group key')
    .option('--attr <key=value>', 'only jobs with this attribute (repeatable)', collect, [])
    .option('--since <time>', 'created at or after (1h, 30m, 2d or a date)')
    .option('--until <time>', 'created before (1h, 30m, 2d or a date)')
    .option('--limit <n>', 'at most this many jobs')
    .action(async (local: ListOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const limit = local.limit === undefined ? Number.POSITIVE_INFINITY : Number(local.limit);
      if (!(limit >= 0)) throw new UsageError(`--limit: "${local.limit}" is not a number`);
      const client = clientFor(options);
      try {
        let printed = 0;
        for await (const job of client.list(filterOf(local))) {
          if (printed >= limit) break;
          io.stdout.write(
            `${options.json === true ? JSON.stringify(jobToJson(job)) : jobLine(job)}\n`,
          );
          printed += 1;
        }
        setExitCode(EXIT_OK);
      } finally {
        client.close();
      }
    });
}
