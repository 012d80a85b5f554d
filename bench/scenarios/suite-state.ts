import type { CostInput } from '../cost/cost-model.js';
import type { BenchSettings } from '../framework/bench-settings.js';
import { LatencyHistogram, type LatencySummary } from '../framework/latency-histogram.js';
import type { ThroughputResult } from '../load/load-task.js';
import type { DirectProducerPoint } from './direct-producer.js';

const MS_PER_SECOND = 1000;

/**
 * What scenarios hand on to later ones in the same run: the ceilings that
 * later figures are divided by, the job ids the fan-out watches, and the
 * counted calls the cost model prices.
 */
export interface SuiteState {
  settings: BenchSettings;
  echo?: {
    unaryCallsPerSecond: number;
    /** Messages/s by number of bidi streams. */
    bidiMessagesPerSecond: Record<number, number>;
  };
  /** The pipelined direct producer's best rate and setting (bulk scenario's sweep). */
  directProducer?: {
    jobsPerSecond: number;
    point: DirectProducerPoint;
  };
  /** Accepted, still QUEUED job ids from the bulk scenario. */
  fanOutJobIds: string[];
  cost: {
    frontUnary?: CostInput;
    naiveUnary?: CostInput;
    frontBulk: Record<number, CostInput>;
    /** Whole echo jobs at light load (10 jobs/s): no backlog. */
    endToEndLight?: CostInput;
    /** Whole echo jobs at saturation: batches full, jobs watched while they wait. */
    endToEnd?: CostInput;
    /**
     * The same calls with the consumer's duration of a full batch timed on
     * idle emulators: what Lambda bills when the table answers at its
     * unloaded latency, as DynamoDB on demand does at any rate.
     */
    endToEndIdleTable?: CostInput;
  };
}

/**
 * A fresh state for a run with `settings`.
 *
 * @example
 * ```ts
 * const state = newSuiteState(benchSettings(true));
 * ```
 */
export function newSuiteState(settings: BenchSettings): SuiteState {
  return { settings, fanOutJobIds: [], cost: { frontBulk: {} } };
}

/** Units completed per second of a throughput result. */
export function perSecond(result: Pick<ThroughputResult, 'completed' | 'elapsedMs'>): number {
  return result.elapsedMs > 0 ? (result.completed / result.elapsedMs) * MS_PER_SECOND : 0;
}

/** The latency percentiles of a result's histogram (zeros when none was recorded). */
export function latencyOf(encoded: string | undefined): LatencySummary {
  return encoded === undefined
    ? { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 }
    : LatencyHistogram.decode(encoded).summary();
}
