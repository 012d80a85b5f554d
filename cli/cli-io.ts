/**
 * A stream the CLI writes to; `isTTY` decides whether progress bars are drawn.
 *
 * @example
 * ```ts
 * const out: CliOutput = process.stderr; // isTTY decides about progress bars
 * ```
 */
export type CliOutput = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * Where the CLI reads and writes: the process's streams in `main.ts`.
 * Results go to `stdout`, progress and diagnostics to `stderr`, so
 * `$(sluice submit …)` captures just the job id.
 *
 * @example
 * ```ts
 * await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
 * ```
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadableStream;
}
