import { pino } from 'pino';
import type { LocalRuntime } from '../../local/local-runtime.js';
import { startCountedEmulators, type CountedEmulators } from './counted-emulators.js';

/** Options of `startBenchSystem`. */
export interface BenchSystemOptions {
  /** Run the event-source runner and consumers (end-to-end scenarios). */
  consumers: boolean;
  /** Where the front's output lines go. */
  log: (line: string) => void;
  /** Extra environment for the front (its tunables). */
  frontEnv?: NodeJS.ProcessEnv;
}

/** The whole local Sluice with every AWS call counted. */
export interface BenchSystem {
  readonly aws: CountedEmulators;
  readonly runtime: LocalRuntime;
  /** Stops the runtime (front, consumers), then the proxy and emulators. */
  stop(): Promise<void>;
}

/**
 * Starts Sluice on loopback for a scenario: the embedded emulators behind
 * the counting proxy, and the local runtime (the real front as its own
 * process, and — when asked — the event-source runner with the consumers)
 * pointed at the proxy, so every AWS call any part makes is counted.
 *
 * @example
 * ```ts
 * const system = await startBenchSystem({ consumers: false, log: console.error });
 * // ... load against system.runtime.endpoint, counts from system.aws.counts() ...
 * await system.stop();
 * ```
 */
export async function startBenchSystem(options: BenchSystemOptions): Promise<BenchSystem> {
  const aws = await startCountedEmulators();
  try {
    // Imported when needed, so the scenarios that need no runtime run without it.
    const { startLocalRuntime } = await import('../../local/local-runtime.js');
    const runtime = await startLocalRuntime({
      port: 0,
      healthPort: 0,
      awsEndpoint: aws.endpoint,
      consumers: options.consumers,
      frontEnv: { SLUICE_LOG_LEVEL: 'warn', ...options.frontEnv },
      // The consumers run in this process: their logs go to stderr, so stdout stays the table.
      logger: pino(
        { level: process.env.SLUICE_LOG_LEVEL ?? 'warn', base: { component: 'bench-consumers' } },
        pino.destination(2),
      ),
      onOutput: (line) => options.log(`[front] ${line}`),
    });
    return {
      aws,
      runtime,
      stop: async () => {
        try {
          await runtime.stop();
        } finally {
          await aws.stop();
        }
      },
    };
  } catch (error) {
    await aws.stop();
    throw error;
  }
}
