import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SluiceClientError } from '../client/index.js';
import type { CliIo } from './cli-io.js';
import { addCancelCommand } from './commands/cancel-command.js';
import { addGetCommand } from './commands/get-command.js';
import { addSubmitCommand } from './commands/submit-command.js';
import { addSubmitManyCommand } from './commands/submit-many-command.js';
import { addWatchCommand } from './commands/watch-command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { addGlobalOptions, type GlobalOptions } from './global-options.js';
import { UsageError } from './usage-error.js';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

/**
 * Declares `sluice keys …` without loading it: the operator's key commands
 * (cli/operator/, AWS SDK and table code) are imported only when `keys` runs,
 * so the job commands stay a pure gRPC client. Everything after `keys` is
 * handed to its own command tree, `--help` included.
 */
function addKeysCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('keys')
    .description(
      'create, revoke, list and migrate API keys (an operator with AWS credentials; "sluice keys --help")',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]', 'create, revoke, list or migrate, and their options')
    .action(async (args: string[], _options: unknown, command: Command) => {
      const { runKeysCommand } = await import('./operator/keys-command.js');
      await runKeysCommand(args, command.optsWithGlobals<GlobalOptions>(), io, setExitCode);
    });
}

/**
 * Builds the `sluice` command line: global options, the five job commands and `keys`,
 * writing through `io` and reporting the exit code through `setExitCode`.
 * Commander's own exits are turned into exceptions (`exitOverride`) so
 * `runCli` owns every exit code.
 *
 * @example
 * ```ts
 * await createProgram(io, (code) => (exitCode = code)).parseAsync(process.argv);
 * ```
 */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = addGlobalOptions(new Command('sluice'))
    .description('Submit, follow and cancel Sluice jobs over gRPC.')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  addSubmitCommand(program, io, setExitCode);
  addSubmitManyCommand(program, io, setExitCode);
  addGetCommand(program, io, setExitCode);
  addWatchCommand(program, io, setExitCode);
  addCancelCommand(program, io, setExitCode);
  addKeysCommand(program, io, setExitCode);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI on `argv` (as in `process.argv`) and resolves with the exit
 * code: 0 ok, 1 a call failed, 2 bad usage, 3 a job did not succeed (or a
 * bulk item was rejected). Errors are printed to `io.stderr`, never thrown.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr.write(`sluice: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const message =
      error instanceof SluiceClientError || error instanceof Error ? error.message : String(error);
    io.stderr.write(`sluice: ${message}\n`);
    return EXIT_FAILURE;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}
