import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';

/**
 * `sluice channels [--stats]`: every channel and its job types; `--stats`
 * adds each queue's visible, in-flight and dead-letter message counts
 * (operator keys only).
 *
 * @example
 * ```ts
 * addChannelsCommand(program, io, setExitCode); // sluice channels --stats
 * ```
 */
export function addChannelsCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('channels')
    .addHelpText('after', '\nExamples:\n  $ sluice channels\n  $ sluice channels --stats\n')
    .option('--stats', 'queue figures too (needs an operator key)', false)
    .action(async (local: { stats: boolean }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const client = clientFor(options);
      try {
        for (const channel of await client.channels({ queueStats: local.stats })) {
          const stats = channel.queueStats;
          io.stdout.write(
            options.json === true
              ? `${JSON.stringify(channel)}\n`
              : `${channel.name}\t${channel.jobTypes.join(',')}${
                  stats === undefined
                    ? ''
                    : `\tvisible ${stats.visibleMessages}\tin flight ${stats.inFlightMessages}\tdead-lettered ${stats.deadLetterMessages}`
                }\n`,
          );
        }
        setExitCode(EXIT_OK);
      } finally {
        client.close();
      }
    });
}
