import { CLIENT_COMMANDS } from './command-catalog.js';
import { OPERATOR_COMMANDS } from './operator-commands.js';
import { runCli } from './program.js';

// The entry of the repository's `sluice` (compiled to dist/cli/sluice.js, run by cli/bin.mjs):
// the client's commands and the operator's.
process.exitCode = await runCli(
  process.argv,
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  [...CLIENT_COMMANDS, ...OPERATOR_COMMANDS],
);
