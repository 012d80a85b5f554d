import type { LoadSession } from '../framework/load-session.js';
import { BENCH_CHANNEL } from '../load/bench-job.js';
import type { DirectProducerTask, ThroughputResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/** One setting of the pipelined direct producer. */
export interface DirectProducerPoint {
  batchesInFlight: number;
  jobsInFlight: number;
}

/** A swept point with the rate it reached. */
export interface SweptPoint extends DirectProducerPoint {
  jobsPerSecond: number;
  p50Ms: number;
  errors: ThroughputResult['errors'];
}

/** What a direct producer's job looks like (the same as the front's run beside it). */
export interface DirectJobShape {
  payloadBytes?: number;
  keyed?: boolean;
}

/**
 * The task of the pipelined direct producer at `point` against the
 * system's emulators (through the same counting proxy as the front).
 *
 * @example
 * ```ts
 * await session.run(directProducerTask(bench, best, 10_000, 0), { timeoutMs });
 * ```
 */
export function directProducerTask(
  bench: BenchSystem,
  point: DirectProducerPoint,
  jobs: number,
  warmupJobs: number,
  shape: DirectJobShape = {},
): DirectProducerTask {
  const queue = bench.runtime.queues.get(BENCH_CHANNEL);
  if (queue === undefined) throw new Error(`no queue for channel ${BENCH_CHANNEL}`);
  return {
    kind: 'direct-producer',
    awsEndpoint: bench.aws.endpoint,
    queueUrl: queue.queueUrl,
    tableName: bench.runtime.resources.tableName,
    jobs,
    warmupJobs,
    batchesInFlight: point.batchesInFlight,
    jobsInFlight: point.jobsInFlight,
    ...shape,
  };
}

/**
 * Sweeps the pipelined direct producer over every combination of sends in
 * flight and jobs in flight in the settings (the front's own — 8 sends, 4
 * streams × 256 jobs — among them), in one warm session, and returns every
 * point, best first: the best is the ceiling the front is divided by.
 *
 * @example
 * ```ts
 * const [best] = await sweepDirectProducer(state, bench, session);
 * ```
 */
export async function sweepDirectProducer(
  state: SuiteState,
  bench: BenchSystem,
  session: LoadSession,
  shape: DirectJobShape = {},
): Promise<SweptPoint[]> {
  const sweep = state.settings.bulk.directSweep;
  const points: SweptPoint[] = [];
  let first = true;
  for (const jobsInFlight of sweep.jobsInFlight) {
    for (const batchesInFlight of sweep.batchesInFlight) {
      const point = { batchesInFlight, jobsInFlight };
      const result = await session.run<ThroughputResult>(
        directProducerTask(bench, point, sweep.jobs, first ? sweep.warmupJobs : 0, shape),
        { timeoutMs: state.settings.loadTimeoutMs },
      );
      first = false;
      points.push({
        ...point,
        jobsPerSecond: perSecond(result),
        p50Ms: latencyOf(result.histogram).p50Ms,
        errors: result.errors,
      });
    }
  }
  return points.sort((a, b) => b.jobsPerSecond - a.jobsPerSecond);
}
