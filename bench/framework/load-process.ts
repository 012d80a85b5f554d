import { fork } from 'node:child_process';
import { benchPath } from '../system/bench-process.js';
import type { LoadMessage, LoadTask } from '../load/load-task.js';

const WORKER_ENTRYPOINT = 'load/load-worker-main.ts';

/** Options of `runLoadProcess`. */
export interface LoadProcessOptions {
  /** The child is killed (by pid) if it has not reported by then. */
  timeoutMs: number;
  /**
   * Called when the child marks a phase ("measure-start", "measure-end"), so
   * the bench can snapshot AWS call counts and process usage at that moment.
   */
  onMark?: (name: string) => Promise<void> | void;
}

/** The error of a load process that failed, timed out or exited early. */
export class LoadProcessError extends Error {
  override readonly name = 'LoadProcessError';
}

/**
 * Runs one load task in its own Node process (clients never share the
 * measured process's event loop or the bench's), waits for its result, and
 * stops it by pid. Every mark callback has settled before this resolves.
 *
 * @example
 * ```ts
 * const result = await runLoadProcess<ThroughputResult>(
 *   { kind: 'unary', target: 'echo', address, concurrency: 64, warmupMs: 1000, durationMs: 3000 },
 *   { timeoutMs: 30_000 },
 * );
 * ```
 */
export async function runLoadProcess<R>(task: LoadTask, options: LoadProcessOptions): Promise<R> {
  const child = fork(benchPath(WORKER_ENTRYPOINT), [], {
    execArgv: ['--import', 'tsx', '--no-warnings'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new LoadProcessError(`${task.kind}: could not start a load process`);
  // Marks are handled one after another, in the order the child sent them.
  let marks: Promise<void> = Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const result = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LoadProcessError(`${task.kind}: no result within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const settle = (): void => clearTimeout(timer);
      child.on('message', (message: LoadMessage) => {
        if (message.type === 'ready') child.send(task);
        else if (message.type === 'mark') {
          marks = marks.then(() => options.onMark?.(message.name));
        } else if (message.type === 'result') {
          settle();
          resolve(message.result as R);
        } else {
          settle();
          reject(new LoadProcessError(`${task.kind}: ${message.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        settle();
        reject(new LoadProcessError(`${task.kind}: exited (${String(code ?? signal)}) early`));
      });
    });
    await marks;
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    await exited;
  }
}
