import type { Command } from 'commander';
import { isTerminalState } from '@sluice/client';
import type { CliIo } from '../cli-io.js';
import { EXIT_JOB_UNSUCCESSFUL, EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { jobToJson } from '../output/job-json.js';
import { jobLine, resultText } from '../output/job-text.js';

/**
 * `sluice watch <jobId...>`: prints a line per change (state and progress)
 * until every job has ended; exits non-zero if any did not succeed.
 *
 * @example
 * ```ts
 * addWatchCommand(program, io, setExitCode); // sluice watch 01J… 01K…
 * ```
 */
export function addWatchCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('watch')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice watch 01JD6Z8W5QK3R5V2N7X9Y4T1AB\n  $ sluice watch 01JD6Z8W5Q… 01JD6Z8W5R… --json\n',
    )
    .argument('<jobIds...>', 'the job ids')
    .action(async (jobIds: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const client = clientFor(options);
      let unsuccessful = 0;
      try {
        for await (const job of client.watch(jobIds)) {
          if (isTerminalState(job.state) && job.state !== 'SUCCEEDED') unsuccessful += 1;
          if (options.json === true) {
            io.stdout.write(`${JSON.stringify(jobToJson(job))}\n`);
            continue;
          }
          io.stdout.write(`${jobLine(job)}\n`);
          if (job.state === 'SUCCEEDED' && job.result !== undefined) {
            io.stdout.write(`${resultText(job)}\n`);
          }
        }
        setExitCode(unsuccessful === 0 ? EXIT_OK : EXIT_JOB_UNSUCCESSFUL);
      } finally {
        client.close();
      }
    });
}
