import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a child may take to say it is ready. */
const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** How long `stop` waits after SIGTERM before SIGKILL. */
const DEFAULT_STOP_GRACE_MS = 10_000;

/** The line a Sluice child process prints (JSON, on stdout) once it serves. */
export interface ReadyLine {
  sluice: 'ready';
  [key: string]: unknown;
}

/** Options of `startManagedProcess`. */
export interface ManagedProcessOptions {
  /** A name for messages. */
  name: string;
  /** The Node binary (default: the one running this process). */
  node?: string;
  /** Arguments to `node` (script path first). */
  nodeArgs: string[];
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** Where the child's other output lines go (default: dropped). */
  onOutput?: (line: string) => void;
}

/**
 * A child process tracked by pid: started, awaited until it prints its ready
 * line, and stopped by that pid only (never by name).
 */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** The parsed ready line (ports and such). */
  readonly ready: ReadyLine;
  /** Resolves with the exit code (or signal) once the child has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it has exited. */
  stop(graceMs?: number): Promise<number | NodeJS.Signals>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<number | NodeJS.Signals>;
}

function waitForExit(child: ChildProcess): Promise<number | NodeJS.Signals> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode ?? (child.signalCode as NodeJS.Signals));
      return;
    }
    child.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals)));
  });
}

/**
 * Starts `node <nodeArgs>` and resolves once it prints a `{"sluice":"ready"}`
 * line on stdout.
 *
 * @example
 * ```ts
 * const sqs = await startManagedProcess({ name: 'sqs', nodeArgs: ['local/emulators/sqs-emulator.mjs'] });
 * const endpoint = `http://127.0.0.1:${String(sqs.ready.port)}`;
 * await sqs.stop();
 * ```
 */
export async function startManagedProcess(options: ManagedProcessOptions): Promise<ManagedProcess> {
  const child = spawn(options.node ?? process.execPath, options.nodeArgs, {
    env: options.env ?? process.env,
    // The IPC channel is how the child notices its parent is gone, even after a SIGKILL
    // (the child entrypoints listen for 'disconnect'): no orphaned emulators or fronts.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { pid, stdout, stderr } = child;
  if (pid === undefined || stdout === null || stderr === null) {
    throw new Error(`${options.name}: could not start`);
  }
  // Nothing is sent over the channel: it must not keep this process alive.
  child.channel?.unref();
  const exited = waitForExit(child);
  const output = options.onOutput ?? (() => undefined);
  createInterface({ input: stderr }).on('line', output);
  const lines = createInterface({ input: stdout });

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.name}: not ready within ${options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms`,
        ),
      );
    }, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let isReady = false;
    lines.on('line', (line) => {
      if (!isReady && line.includes('"sluice":"ready"')) {
        isReady = true;
        clearTimeout(timer);
        resolve(JSON.parse(line) as ReadyLine);
        return;
      }
      output(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!isReady)
        reject(new Error(`${options.name}: exited (${String(code)}) before it was ready`));
    });
  });

  const signal = async (sig: NodeJS.Signals, graceMs: number): Promise<number | NodeJS.Signals> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, sig);
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  return {
    name: options.name,
    pid,
    ready,
    exited,
    stop: (graceMs = DEFAULT_STOP_GRACE_MS) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
}
