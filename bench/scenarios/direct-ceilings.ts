import type { BenchSettings } from '../framework/bench-settings.js';
import { runLoadProcess } from '../framework/load-process.js';
import type { CeilingPoint, SubmitPathCall, SubmitPathCeilingResult } from '../load/load-task.js';
import { BENCH_CHANNEL } from '../load/bench-job.js';
import type { BenchSystem } from '../system/bench-system.js';
import { latencyOf, perSecond } from './suite-state.js';

/** The best point of a ceiling sweep. */
export interface CeilingBest {
  rate: number;
  concurrency: number;
}

/**
 * The best point of a ceiling sweep: its rate and the concurrency that reached it.
 *
 * @example
 * ```ts
 * const { rate } = bestPoint(result.jobWrites);
 * ```
 */
export function bestPoint(points: CeilingPoint[] | undefined): CeilingBest {
  let top: CeilingBest = { rate: 0, concurrency: 0 };
  for (const point of points ?? []) {
    const rate = perSecond(point.result);
    if (rate > top.rate) top = { rate, concurrency: point.concurrency };
  }
  return top;
}

/** Every point of a sweep, compactly, for the JSON details. */
export function summarisePoints(result: SubmitPathCeilingResult): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(result).map(([call, points]) => [
      call,
      points.map((p) => ({
        concurrency: p.concurrency,
        perSecond: perSecond(p.result),
        p50Ms: latencyOf(p.result.histogram).p50Ms,
        errors: p.result.errors,
      })),
    ]),
  );
}

/**
 * Measures the emulators' own ceilings for a job's calls, made directly (AWS
 * SDK, no gRPC, no front, no consumer) against the system's emulators
 * through the same counting proxy, in a load process of its own. Conditional
 * writes are swept at `putConcurrencies` (default: the bulk scenario's).
 *
 * @example
 * ```ts
 * const result = await measureDirectCeilings(settings, system, ['sendBatch', 'conditionalPut']);
 * ```
 */
export async function measureDirectCeilings(
  settings: BenchSettings,
  system: BenchSystem,
  calls: SubmitPathCall[],
  putConcurrencies: number[] = settings.bulk.ceilingPutConcurrencies,
): Promise<SubmitPathCeilingResult> {
  const queue = system.runtime.queues.get(BENCH_CHANNEL);
  if (queue === undefined) throw new Error(`no queue for channel ${BENCH_CHANNEL}`);
  return runLoadProcess<SubmitPathCeilingResult>(
    {
      kind: 'submit-path-ceiling',
      awsEndpoint: system.aws.endpoint,
      queueUrl: queue.queueUrl,
      tableName: system.runtime.resources.tableName,
      calls,
      batchConcurrencies: settings.bulk.ceilingBatchConcurrencies,
      putConcurrencies,
      warmupMs: settings.bulk.ceilingWarmupMs,
      durationMs: settings.bulk.ceilingDurationMs,
    },
    { timeoutMs: settings.loadTimeoutMs },
  );
}
