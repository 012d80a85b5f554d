import { LatencyHistogram } from '../framework/latency-histogram.js';
import { countError } from './grpc-clients.js';
import type { ErrorCounts, ThroughputResult } from './load-task.js';

/** Options of `runClosedLoop`. */
export interface ClosedLoopOptions {
  /** Calls kept in flight. */
  concurrency: number;
  durationMs: number;
  /** One call; `n` numbers calls across the run. Resolves with how many units it completed. */
  call: (n: number) => Promise<number>;
}

/**
 * Keeps `concurrency` calls in flight for `durationMs` (no new call starts
 * after that; those in flight finish), recording each call's latency. A
 * failed call is tallied by error name and the loop goes on.
 *
 * @example
 * ```ts
 * const result = await runClosedLoop({ concurrency: 64, durationMs: 3000, call: async () => { await ping(); return 1; } });
 * ```
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ThroughputResult> {
  const histogram = new LatencyHistogram();
  const errors: ErrorCounts = {};
  const started = performance.now();
  const deadline = started + options.durationMs;
  let completed = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const callStarted = performance.now();
      try {
        // Await first: `completed += await …` would read `completed` before the call and lose
        // the other lanes' updates.
        const units = await options.call(next++);
        completed += units;
        histogram.recordMs(performance.now() - callStarted);
      } catch (error) {
        countError(errors, error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return {
    completed,
    elapsedMs: performance.now() - started,
    histogram: histogram.encode(),
    errors,
  };
}

/**
 * A warm-up run (discarded), then the measured run between the marks
 * `measure-start` and `measure-end`.
 *
 * @example
 * ```ts
 * const result = await warmThenMeasure(mark, 1000, 3000, (ms) => runClosedLoop({ ...options, durationMs: ms }));
 * ```
 */
export async function warmThenMeasure<R>(
  mark: (name: string) => void,
  warmupMs: number,
  durationMs: number,
  run: (durationMs: number) => Promise<R>,
): Promise<R> {
  if (warmupMs > 0) await run(warmupMs);
  mark('measure-start');
  const result = await run(durationMs);
  mark('measure-end');
  return result;
}
