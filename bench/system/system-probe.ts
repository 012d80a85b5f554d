import type { EventSourceMetrics } from '../../local/runner/event-source-metrics.js';
import type { LocalRuntime } from '../../local/local-runtime.js';
import type { HandlerRuns } from '../cost/cost-model.js';
import { fetchFrontMetrics, frontMetricsDelta, type FrontMetrics } from './front-metrics.js';

/** What the system reports about itself at a mark: the front's /metrics and the runner's counters. */
export interface SystemProbe {
  /** Undefined when the front did not answer. */
  front?: FrontMetrics;
  consumers: EventSourceMetrics[];
}

/**
 * Reads the front's `/metrics` and the event-source runner's counters —
 * what `runMeasured` takes at both marks of a window.
 *
 * @example
 * ```ts
 * const run = await runMeasured(task, { timeoutMs, probe: () => probeSystem(runtime) });
 * ```
 */
export async function probeSystem(runtime: LocalRuntime): Promise<SystemProbe> {
  const front = await fetchFrontMetrics(runtime.healthPort).catch(() => undefined);
  return { ...(front === undefined ? {} : { front }), consumers: runtime.consumerMetrics() };
}

function asProbe(value: unknown): SystemProbe | undefined {
  return typeof value === 'object' && value !== null && 'consumers' in value
    ? (value as SystemProbe)
    : undefined;
}

function handlerTotals(probe: SystemProbe | undefined): HandlerRuns {
  return (probe?.consumers ?? []).reduce<HandlerRuns>(
    (sum, source) => ({
      invocations: sum.invocations + source.invocationCount,
      billedDurationMs: sum.billedDurationMs + source.billedDurationMs,
    }),
    { invocations: 0, billedDurationMs: 0 },
  );
}

/**
 * The consumers' (and dead-letter handlers') invocations and billed handler
 * time between two probes: what Lambda would bill for the window.
 *
 * @example
 * ```ts
 * const handlers = handlerRunsBetween(run.probes); // { invocations, billedDurationMs }
 * ```
 */
export function handlerRunsBetween(
  probes: { start: unknown; end: unknown } | undefined,
): HandlerRuns {
  const start = handlerTotals(asProbe(probes?.start));
  const end = handlerTotals(asProbe(probes?.end));
  return {
    invocations: end.invocations - start.invocations,
    billedDurationMs: end.billedDurationMs - start.billedDurationMs,
  };
}

/**
 * The front's counters between two probes (see `frontMetricsDelta`).
 *
 * @example
 * ```ts
 * frontDeltaBetween(run.probes).watch?.polls;
 * ```
 */
export function frontDeltaBetween(
  probes: { start: unknown; end: unknown } | undefined,
): FrontMetrics {
  return frontMetricsDelta({
    start: asProbe(probes?.start)?.front,
    end: asProbe(probes?.end)?.front,
  });
}
