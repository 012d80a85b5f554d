import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';

/**
 * Declares one command on `program` (its arguments, options, help examples
 * and action); the catalog entry gives it its name and summary.
 *
 * @example
 * ```ts
 * const addGet: AddCommand = (program, io, setExitCode) => { program.command('get')…; };
 * ```
 */
export type AddCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

/**
 * One command of `sluice`, known by name and summary without loading it:
 * `load` imports its module only when the command line names it, so
 * `sluice --version` loads no gRPC and `sluice get` no bulk-submit code.
 *
 * @example
 * ```ts
 * const entry: CommandEntry = { name: 'get', summary: '…', load: async () => (await import('./commands/get-command.js')).addGetCommand };
 * ```
 */
export interface CommandEntry {
  name: string;
  /** The line `sluice --help` shows beside the name. */
  summary: string;
  load: () => Promise<AddCommand>;
}

/**
 * The commands of the client CLI (the `sluice` of `@sluice/client`): they
 * call a Sluice front over gRPC and need nothing else.
 *
 * @example
 * ```ts
 * await runCli(process.argv, io, CLIENT_COMMANDS);
 * ```
 */
export const CLIENT_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'submit',
    summary: 'submit one job and print its id',
    load: async () => (await import('./commands/submit-command.js')).addSubmitCommand,
  },
  {
    name: 'submit-many',
    summary: 'submit every job of a JSON-lines file over one stream',
    load: async () => (await import('./commands/submit-many-command.js')).addSubmitManyCommand,
  },
  {
    name: 'get',
    summary: "print a job's current state, result or error",
    load: async () => (await import('./commands/get-command.js')).addGetCommand,
  },
  {
    name: 'watch',
    summary: 'follow jobs live until every one has ended',
    load: async () => (await import('./commands/watch-command.js')).addWatchCommand,
  },
  {
    name: 'cancel',
    summary: 'cancel a job that has not started yet',
    load: async () => (await import('./commands/cancel-command.js')).addCancelCommand,
  },
  {
    name: 'list',
    summary: 'list your jobs, newest first, filtered',
    load: async () => (await import('./commands/list-command.js')).addListCommand,
  },
  {
    name: 'retry',
    summary: 'run a failed, dead-lettered or cancelled job again',
    load: async () => (await import('./commands/retry-command.js')).addRetryCommand,
  },
  {
    name: 'channels',
    summary: 'list the channels and their job types (and queue figures)',
    load: async () => (await import('./commands/channels-command.js')).addChannelsCommand,
  },
];
