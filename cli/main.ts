import { runCli } from './program.js';

// The entry of `sluice` (cli/bin.mjs): wire the process's streams in and
// leave through exitCode, so pending output is flushed before Node exits.
process.exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
