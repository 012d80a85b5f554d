import { Option, type Command } from 'commander';
import { DEFAULT_CHANNEL, type Job } from '@sluice/client';
import type { CliIo } from '../cli-io.js';
import { EXIT_JOB_UNSUCCESSFUL, EXIT_OK } from '../exit-codes.js';
import { clientFor } from '../client-for.js';
import type { GlobalOptions } from '../global-options.js';
import { collectAttribute } from '../input/attribute-option.js';
import { payloadFromOptions, type PayloadOptions } from '../input/payload-option.js';
import { jobToJson } from '../output/job-json.js';
import { errorText, jobLine, resultText } from '../output/job-text.js';

interface SubmitCommandOptions extends GlobalOptions, PayloadOptions {
  type: string;
  channel: string;
  contentType?: string;
  groupKey?: string;
  idempotencyKey?: string;
  attr: Record<string, string>;
  wait?: boolean;
}

/**
 * `sluice submit`: submits one job and prints its id; with `--wait`, follows
 * it (state lines on stderr) and prints its result, exiting non-zero unless
 * it SUCCEEDED.
 *
 * @example
 * ```ts
 * addSubmitCommand(program, io, (code) => (exitCode = code));
 * // sluice submit --type echo --payload '{"a":1}' --wait
 * ```
 */
export function addSubmitCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('submit')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sluice submit --type echo --payload \'{"a":1}\' --wait\n  $ sluice submit --type sha256 --payload-file ./input.bin --idempotency-key auto\n  $ id=$(sluice submit --type sleep --payload \'{"ms":500}\' --group-key order-42) && sluice watch "$id"\n',
    )
    .requiredOption('--type <type>', 'the job type (processor), e.g. echo')
    .option('--channel <channel>', 'the channel', DEFAULT_CHANNEL)
    .option('--payload <json>', 'the input as JSON (default {})')
    .option('--payload-file <path>', 'the input as the bytes of a file')
    .option('--content-type <type>', 'override the payload media type')
    .option('--group-key <key>', 'jobs with one group key run one at a time, in order')
    .option('--idempotency-key <key>', 'one key, one job ("auto" generates one)')
    .addOption(
      new Option('--attr <key=value>', 'an attribute (repeatable)')
        .argParser(collectAttribute)
        .default({}, 'none'),
    )
    .option('--wait', 'follow the job until it ends and print its result')
    .action(async (_options: unknown, command: Command) => {
      setExitCode(await submit(command.optsWithGlobals<SubmitCommandOptions>(), io));
    });
}

async function submit(options: SubmitCommandOptions, io: CliIo): Promise<number> {
  const payload = await payloadFromOptions(options);
  const client = clientFor(options);
  try {
    const submitted = await client.submit(
      {
        channel: options.channel,
        type: options.type,
        payload,
        contentType: options.contentType,
        groupKey: options.groupKey,
        attributes: options.attr,
      },
      { idempotencyKey: options.idempotencyKey },
    );
    if (options.wait !== true) {
      if (options.json === true) io.stdout.write(`${JSON.stringify(submitted)}\n`);
      else {
        io.stdout.write(`${submitted.jobId}\n`);
        if (submitted.duplicate)
          io.stderr.write('duplicate: the idempotency key matched an existing job\n');
      }
      return EXIT_OK;
    }
    if (options.json !== true) io.stdout.write(`${submitted.jobId}\n`);
    let last: Job | undefined;
    for await (const job of client.watch(submitted.jobId)) {
      last = job;
      if (options.json !== true) io.stderr.write(`${jobLine(job)}\n`);
    }
    if (last === undefined) return EXIT_JOB_UNSUCCESSFUL;
    if (options.json === true) {
      io.stdout.write(`${JSON.stringify({ ...submitted, job: jobToJson(last) })}\n`);
    } else if (last.state === 'SUCCEEDED') {
      io.stdout.write(`${resultText(last)}\n`);
    } else {
      const reason = last.error === undefined ? '' : `: ${errorText(last.error)}`;
      io.stderr.write(`${last.state}${reason}\n`);
    }
    return last.state === 'SUCCEEDED' ? EXIT_OK : EXIT_JOB_UNSUCCESSFUL;
  } finally {
    client.close();
  }
}
