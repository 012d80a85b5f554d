import { CLIENT_VERSION } from '@sluice/client/defaults';
import { Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { CLIENT_COMMANDS, type CommandEntry } from './command-catalog.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { addGlobalOptions } from './global-options.js';
import { UsageError } from './usage-error.js';

const COMPLETION_COMMAND = 'completion';
const HELP_COMMAND = 'help';
const SHELLS = ['bash', 'zsh'] as const;

const ROOT_EXAMPLES = `
Examples:
  $ sluice submit --type echo --payload '{"a":1}' --wait
  $ sluice get 01JD6Z8W5QK3R5V2N7X9Y4T1AB --json
  $ SLUICE_ENDPOINT=jobs.example.com:443 SLUICE_API_KEY=sk_… sluice --tls watch 01JD6Z8W5Q…
  $ source <(sluice completion bash)
`;

/**
 * Builds the `sluice` command line for `argv`: global options, every command
 * of `commands` by name and summary, and the full definition (options,
 * examples, action) only of the command `argv` names — its module is loaded
 * then, the others never. Commander's own exits are turned into exceptions
 * (`exitOverride`) so `runCli` owns every exit code.
 *
 * @example
 * ```ts
 * const program = await createProgram(process.argv, io, (code) => (exitCode = code));
 * await program.parseAsync(process.argv);
 * ```
 */
export async function createProgram(
  argv: readonly string[],
  io: CliIo,
  setExitCode: (code: number) => void,
  commands: readonly CommandEntry[] = CLIENT_COMMANDS,
): Promise<Command> {
  const program = addGlobalOptions(new Command('sluice'))
    .description('Submit, follow and cancel Sluice jobs over gRPC.')
    // The CLI is the client package's: it has the client's version.
    .version(CLIENT_VERSION)
    .showHelpAfterError()
    .addHelpText('after', ROOT_EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const invoked = invokedCommand(program, argv);
  for (const entry of commands) {
    if (invoked === entry.name || invoked === COMPLETION_COMMAND) {
      (await entry.load())(program, io, setExitCode);
      program.commands.find((command) => command.name() === entry.name)?.description(entry.summary);
    } else {
      program.command(entry.name).description(entry.summary);
    }
  }
  addCompletionCommand(program, io);
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
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandEntry[] = CLIENT_COMMANDS,
): Promise<number> {
  let exitCode = EXIT_OK;
  try {
    const program = await createProgram(
      argv,
      io,
      (code) => {
        exitCode = code;
      },
      commands,
    );
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr.write(`sluice: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * The command `argv` runs (`help <name>` counts as `<name>`): the first word
 * that is neither an option nor the value of a global option.
 */
function invokedCommand(program: Command, argv: readonly string[]): string | undefined {
  const words = argv.slice(2);
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (word === '--') return words[index + 1];
    if (!word.startsWith('-')) {
      return word === HELP_COMMAND
        ? (words.slice(index + 1).find((w) => !w.startsWith('-')) ?? word)
        : word;
    }
    const option = word.includes('=')
      ? undefined
      : program.options.find((o) => o.long === word || o.short === word);
    if (option !== undefined && (option.required || option.optional)) index += 1;
  }
  return undefined;
}

function addCompletionCommand(program: Command, io: CliIo): void {
  program
    .command(COMPLETION_COMMAND)
    .description('print a shell completion script (bash or zsh)')
    .argument('<shell>', SHELLS.join(' or '))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(sluice completion bash)                 # this shell
  $ sluice completion bash > /etc/bash_completion.d/sluice
  $ sluice completion zsh > "\${fpath[1]}/_sluice"     # zsh, then restart it
`,
    )
    .action(async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`completion: unknown shell "${shell}" (${SHELLS.join(' or ')})`);
      }
      const { completionScript } = await import('./completion/completion-script.js');
      io.stdout.write(completionScript(program, shell as (typeof SHELLS)[number]));
    });
}
