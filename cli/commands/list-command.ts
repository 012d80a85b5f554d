import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import {
  addJobFilterOptions,
  jobFilterOf,
  type JobFilterOptions,
} from '../input/job-filter-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine } from '../output/job-text.js';
import { UsageError } from '../usage-error.js';

interface ListOptions extends JobFilterOptions {
  limit?: string;
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
  addJobFilterOptions(program.command('list'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice list --state FAILED --state DEAD_LETTERED --since 1h\n  $ sluice list --channel default --type echo --attr team=blue --limit 20 --json\n',
    )
    .option('--limit <n>', 'at most this many jobs')
    .action(async (local: ListOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const limit = local.limit === undefined ? Number.POSITIVE_INFINITY : Number(local.limit);
      if (!(limit >= 0)) throw new UsageError(`--limit: "${local.limit}" is not a number`);
      const client = clientFor(options);
      try {
        let printed = 0;
        for await (const job of client.list(jobFilterOf(local))) {
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
