import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobDetails } from '../output/job-text.js';

/**
 * `sluice get <jobId>`: prints a job's current record.
 *
 * @example
 * ```ts
 * addGetCommand(program, io, setExitCode); // sluice get 01J… --json
 * ```
 */
export function addGetCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('get')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice get 01JD6Z8W5QK3R5V2N7X9Y4T1AB\n  $ sluice get 01JD6Z8W5QK3R5V2N7X9Y4T1AB --json | jq .state\n',
    )
    .argument('<jobId>', 'the job id')
    .action(async (jobId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const client = clientFor(options);
      try {
        const job = await client.get(jobId);
        io.stdout.write(
          options.json === true ? `${JSON.stringify(jobToJson(job))}\n` : jobDetails(job),
        );
        setExitCode(EXIT_OK);
      } finally {
        client.close();
      }
    });
}
