import { CLIENT_COMMANDS } from './command-catalog.js';
import { runCli } from './program.js';

// The entry of `@sluice/client`'s `sluice` (compiled to client/dist/cli/sluice.js): wire the
// process's streams in and leave through exitCode, so pending output is flushed before Node exits.
process.exitCode = await runCli(
  process.argv,
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  CLIENT_COMMANDS,
);
