import { execFileSync } from 'node:child_process';

/**
 * The Node binary that runs what ships — the front's bundle (the container
 * image's Node) and the Lambda bundles (the function runtime's Node) — in the
 * tests that start them: `SLUICE_RUNTIME_NODE` (`.ci/run` fetches that Node
 * line from npm), else the Node running the tests.
 *
 * @example
 * ```ts
 * spawn(RUNTIME_NODE, [bundle]);
 * ```
 */
export const RUNTIME_NODE =
  process.env.SLUICE_RUNTIME_NODE === undefined || process.env.SLUICE_RUNTIME_NODE === ''
    ? process.execPath
    : process.env.SLUICE_RUNTIME_NODE;

/**
 * The version of `RUNTIME_NODE` (`v24.…`), so a test can say which Node it ran.
 *
 * @example
 * ```ts
 * expect(runtimeNodeVersion()).toMatch(/^v24\./);
 * ```
 */
export function runtimeNodeVersion(): string {
  return execFileSync(RUNTIME_NODE, ['--version'], { encoding: 'utf8' }).trim();
}
