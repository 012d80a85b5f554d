import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import type { CommandEntry } from './command-catalog.js';
import type { GlobalOptions } from './global-options.js';

/**
 * Declares `sluice keys …` without loading it: the operator's key commands
 * (cli/operator/, AWS SDK and table code) are imported only when `keys` runs,
 * so the job commands stay a pure gRPC client. Everything after `keys` is
 * handed to its own command tree, `--help` included.
 */
function addKeysCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('keys')
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
 * Commands for the people who run Sluice, not those who call it: they work
 * on its AWS resources with the operator's credentials (the AWS SDK), so
 * they are in the repository's `sluice` only (cli/operator-main.ts), never in
 * `@sluice/client`'s.
 *
 * @example
 * ```ts
 * await runCli(process.argv, io, [...CLIENT_COMMANDS, ...OPERATOR_COMMANDS]);
 * ```
 */
export const OPERATOR_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'keys',
    summary:
      'create, revoke, list and migrate API keys (an operator with AWS credentials; "sluice keys --help")',
    load: () => Promise.resolve(addKeysCommand),
  },
];
