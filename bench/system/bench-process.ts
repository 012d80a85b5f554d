import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from '../../local/process/managed-process.js';

/** A bench server must say it is ready within this long (tsx compiles on first start). */
const READY_TIMEOUT_MS = 60_000;

/**
 * The absolute path of a file in bench/, from a path relative to bench/.
 *
 * @example
 * ```ts
 * benchPath('servers/echo-server-main.ts');
 * ```
 */
export function benchPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * Starts a TypeScript entrypoint of bench/ as its own Node process (through
 * tsx), on 127.0.0.1 and port 0, tracked by pid; it resolves once the child
 * prints its `{"sluice":"ready"}` line. Stderr lines go to `onOutput`.
 *
 * @example
 * ```ts
 * const echo = await startBenchProcess('echo-server', 'servers/echo-server-main.ts');
 * const address = `127.0.0.1:${String(echo.ready.port)}`;
 * await echo.stop();
 * ```
 */
export function startBenchProcess(
  name: string,
  entrypoint: string,
  env: NodeJS.ProcessEnv = {},
  onOutput?: (line: string) => void,
): Promise<ManagedProcess> {
  return startManagedProcess({
    name,
    nodeArgs: ['--import', 'tsx', benchPath(entrypoint)],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...env },
    readyTimeoutMs: READY_TIMEOUT_MS,
    onOutput: onOutput ?? ((line) => process.stderr.write(`[${name}] ${line}\n`)),
  });
}
