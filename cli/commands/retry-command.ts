import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine } from '../output/job-text.js';

/**
 * `sluice retry <jobId>`: runs a FAILED, DEAD_LETTERED or CANCELLED job
 * again as a new job and prints it; running it twice prints the same new
 * job (marked duplicate) and creates nothing.
 *
 * @example
 * ```ts
 * addRetryCommand(program, io, setExitCode); // sluice retry 01J…
 * ```
 */
export function addRetryCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('retry')
    .addHelpText('after', '\nExamples:\n  $ sluice retry 01JD6Z8W5QK3R5V2N7X9Y4T1AB\n')
    .argument('<jobId>', 'the FAILED, DEAD_LETTERED or CANCELLED job')
    .action(async (jobId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
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
