import type { EventSourceMetrics } from '../../local/runner/event-source-metrics.js';
import type { HandlerRuns } from '../cost/cost-model.js';
import { cpuSecondsOf } from '../framework/process-sampler.js';
import type { BenchSystem } from './bench-system.js';
import { fetchFrontMetrics, frontMetricsDelta, type FrontMetrics } from './front-metrics.js';

/** The processes of a bench system whose CPU time is read at each probe. */
export type SystemProcess = 'front' | 'consumers' | 'proxy' | 'sqsEmulator' | 'dynamoEmulator';

/**
 * What the system reports about itself at a mark: the front's /metrics, the
 * runner's counters and the CPU time each of its processes has spent.
 */
export interface SystemProbe {
  /** Undefined when the front did not answer. */
  front?: FrontMetrics;
  consumers: EventSourceMetrics[];
  cpuSeconds: Partial<Record<SystemProcess, number>>;
}

function systemPids(bench: BenchSystem): Record<SystemProcess, number | undefined> {
  const [sqs, dynamo] = bench.aws.emulators.processes;
  return {
    front: bench.runtime.frontPid(),
    // The event-source runner and the consumer handlers run in the bench's own process.
    consumers: process.pid,
    proxy: bench.aws.proxy.pid,
    sqsEmulator: sqs?.pid,
    dynamoEmulator: dynamo?.pid,
  };
}

/**
 * Reads the front's `/metrics`, the event-source runner's counters and every
 * process's CPU time — what `runMeasured` takes at both marks of a window.
 *
 * @example
 * ```ts
 * const run = await runMeasured(task, { timeoutMs, probe: () => probeSystem(bench) });
 * ```
 */
export async function probeSystem(bench: BenchSystem): Promise<SystemProbe> {
  const front = await fetchFrontMetrics(bench.runtime.healthPort).catch(() => undefined);
  const cpuSeconds: Partial<Record<SystemProcess, number>> = {};
  for (const [name, pid] of Object.entries(systemPids(bench)) as [SystemProcess, number][]) {
    if (pid === undefined) continue;
    try {
      cpuSeconds[name] = cpuSecondsOf(pid);
    } catch {
      // The process is gone; its figure is simply missing.
    }
  }
  return {
    ...(front === undefined ? {} : { front }),
    consumers: bench.runtime.consumerMetrics(),
    cpuSeconds,
  };
}

/**
 * CPU seconds each process spent between two probes: where a window's work
 * went, which on a shared machine says more than any wall-clock rate.
 *
 * @example
 * ```ts
 * cpuSecondsBetween(run.probes).dynamoEmulator; // e.g. 4.2
 * ```
 */
export function cpuSecondsBetween(
  probes: { start: unknown; end: unknown } | undefined,
): Partial<Record<SystemProcess, number>> {
  const start = asProbe(probes?.start)?.cpuSeconds ?? {};
  const end = asProbe(probes?.end)?.cpuSeconds ?? {};
  const spent: Partial<Record<SystemProcess, number>> = {};
  for (const [name, value] of Object.entries(end) as [SystemProcess, number][]) {
    const before = start[name];
    if (before !== undefined) spent[name] = value - before;
  }
  return spent;
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
