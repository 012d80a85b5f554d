import { fork, type ChildProcess } from 'node:child_process';
import { benchPath } from '../system/bench-process.js';
import type { LoadMessage, LoadTask, SessionMessage } from '../load/load-task.js';
import { LoadProcessError, type LoadProcessOptions } from './load-process.js';

const WORKER_ENTRYPOINT = 'load/load-worker-main.ts';

/**
 * One load process that runs task after task, so later tasks find it warm:
 * modules loaded, JIT-compiled, connections open. What repeated,
 * interleaved measurements use — each side keeps its own warm process, and
 * neither pays a fresh start the other does not.
 *
 * @example
 * ```ts
 * const session = await LoadSession.start();
 * try {
 *   for (let rep = 0; rep < 3; rep++) results.push(await session.run<ThroughputResult>(task, { timeoutMs }));
 * } finally {
 *   await session.stop();
 * }
 * ```
 */
export class LoadSession {
  readonly #child: ChildProcess;
  readonly #pid: number;
  readonly #exited: Promise<void>;
  #busy = false;

  private constructor(child: ChildProcess, pid: number) {
    this.#child = child;
    this.#pid = pid;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Forks the load worker and waits for its `ready`. */
  static async start(): Promise<LoadSession> {
    const child = fork(benchPath(WORKER_ENTRYPOINT), [], {
      execArgv: ['--import', 'tsx', '--no-warnings'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (child.pid === undefined) throw new LoadProcessError('could not start a load session');
    const session = new LoadSession(child, child.pid);
    await new Promise<void>((resolve, reject) => {
      const onExit = (): void => reject(new LoadProcessError('the load session exited early'));
      child.once('exit', onExit);
      child.once('message', (message: LoadMessage) => {
        child.off('exit', onExit);
        if (message.type === 'ready') resolve();
        else reject(new LoadProcessError(`the load session sent ${message.type} first`));
      });
    });
    return session;
  }

  /** The worker's pid. */
  get pid(): number {
    return this.#pid;
  }

  /**
   * Runs one task in the warm process and resolves with its result; marks
   * are handled in order and have all settled before this resolves. A task
   * that does not report within `timeoutMs` kills the session.
   */
  async run<R>(task: LoadTask, options: LoadProcessOptions): Promise<R> {
    if (this.#busy) throw new LoadProcessError(`${task.kind}: the session is running a task`);
    this.#busy = true;
    let marks: Promise<void> = Promise.resolve();
    const child = this.#child;
    try {
      const result = await new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          process.kill(this.#pid, 'SIGKILL');
          reject(new LoadProcessError(`${task.kind}: no result within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        const onExit = (code: number | null, signal: string | null): void => {
          done();
          reject(new LoadProcessError(`${task.kind}: exited (${String(code ?? signal)}) early`));
        };
        const onMessage = (message: LoadMessage): void => {
          if (message.type === 'mark') {
            marks = marks.then(() => options.onMark?.(message.name));
          } else if (message.type === 'result') {
            done();
            resolve(message.result as R);
          } else if (message.type === 'error') {
            done();
            reject(new LoadProcessError(`${task.kind}: ${message.message}`));
          }
        };
        const done = (): void => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        const message: SessionMessage = { kind: 'session-task', task };
        child.send(message);
      });
      await marks;
      return result;
    } finally {
      this.#busy = false;
    }
  }

  /** Ends the worker (asks, then kills by pid if it is still there) and waits for its exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const message: SessionMessage = { kind: 'session-end' };
      this.#child.send(message, (error) => {
        if (error !== null) process.kill(this.#pid, 'SIGKILL');
      });
    }
    await this.#exited;
  }
}
