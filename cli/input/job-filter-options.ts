import type { Command } from 'commander';
import type { JobFilter, JobState } from '@sluice/client';
import { UsageError } from '../usage-error.js';

/** Units of `--since` / `--until` durations, in milliseconds. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const DURATION_PATTERN = /^(\d+)([smhd])$/;

/**
 * The filter flags of `sluice list` and of a bulk `sluice retry`, as
 * commander parses them.
 *
 * @example
 * ```ts
 * const filter = jobFilterOf(command.opts<JobFilterOptions>());
 * ```
 */
export interface JobFilterOptions {
  channel?: string;
  state: string[];
  type?: string;
  group?: string;
  attr: string[];
  since?: string;
  until?: string;
}

/** A time: a duration back from now (`1h`, `30m`) or an ISO date. */
function parseTime(value: string, flag: string, now: number): Date {
  const duration = DURATION_PATTERN.exec(value);
  if (duration !== null) {
    return new Date(now - Number(duration[1]) * (DURATION_UNITS[duration[2] ?? 's'] ?? 0));
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
 * Declares `--channel --state (repeatable) --type --group --attr k=v
 * (repeatable) --since --until` on `command`: one set of flags, so `list`
 * and a bulk `retry` select jobs the same way.
 *
 * @example
 * ```ts
 * addJobFilterOptions(program.command('list')).action(…);
 * ```
 */
export function addJobFilterOptions(command: Command): Command {
  return command
    .option('--channel <name>', 'only this channel')
    .option('--state <state>', 'only this state (repeatable)', collect, [])
    .option('--type <type>', 'only this job type')
    .option('--group <key>', 'only this group key')
    .option('--attr <key=value>', 'only jobs with this attribute (repeatable)', collect, [])
    .option('--since <time>', 'created at or after (1h, 30m, 2d or a date)')
    .option('--until <time>', 'created before (1h, 30m, 2d or a date)');
}

/**
 * The API filter of the flags; durations count back from `now`.
 *
 * @example
 * ```ts
 * jobFilterOf({ state: ['failed'], attr: ['team=blue'], since: '1h' }); // { states: ['FAILED'], … }
 * ```
 */
export function jobFilterOf(options: JobFilterOptions, now = Date.now()): JobFilter {
  const attributes: Record<string, string> = {};
  for (const pair of options.attr) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--attr: "${pair}" is not key=value`);
    attributes[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    channel: options.channel,
    states: options.state.map((state) => state.toUpperCase() as JobState),
    type: options.type,
    groupKey: options.group,
    attributes,
    createdAfter:
      options.since === undefined ? undefined : parseTime(options.since, '--since', now),
    createdBefore:
      options.until === undefined ? undefined : parseTime(options.until, '--until', now),
  };
}
