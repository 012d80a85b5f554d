import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine } from '../output/job-text.js';

/**
 * `sluice cancel <jobId>`: cancels a QUEUED job; a job already running or
 * finished fails with FAILED_PRECONDITION (exit 1).
 *
 * @example
 * ```ts
 * addCancelCommand(program, io, setExitCode); // sluice cancel 01J…
 * ```
 */
export function addCancelCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('cancel')
    .addHelpText('after', '\nExamples:\n  $ sluice cancel 01JD6Z8W5QK3R5V2N7X9Y4T1AB\n')
    .argument('<jobId>', 'the job id')
    .action(async (jobId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const client = clientFor(options);
      try {
        const job = await client.cancel(jobId);
        io.stdout.write(
          `${options.json === true ? JSON.stringify(jobToJson(job)) : jobLine(job)}\n`,
        );
        setExitCode(EXIT_OK);
      } finally {
        client.close();
      }
    });
}
