import { z } from 'zod';
import { parsePrometheusText, sumOf } from '../../container/metrics/prometheus-text.js';

/** The front's `/metrics` fields the bench reads (the rest is ignored). */
const frontMetricsSchema = z.object({
  producer: z
    .object({ sendBatchRequests: z.number(), entriesSent: z.number() })
    .partial()
    .optional(),
  watch: z
    .object({ polls: z.number(), batchGetCalls: z.number(), keysRead: z.number() })
    .partial()
    .optional(),
  memory: z.object({ rssMb: z.number(), heapUsedMb: z.number() }).partial().optional(),
});

/** What the front reports about itself on its health port. */
export type FrontMetrics = z.infer<typeof frontMetricsSchema>;

const BYTES_PER_MIB = 1024 * 1024;

/** The bench's figures out of the front's Prometheus text (names in container/metrics/front-metrics.ts). */
function frontMetricsOf(text: string): FrontMetrics {
  const families = parsePrometheusText(text);
  const sum = (name: string): number => sumOf(families, name);
  return {
    producer: {
      sendBatchRequests: sum('sluice_producer_send_batch_requests_total'),
      entriesSent: sum('sluice_producer_entries_sent_total'),
    },
    watch: {
      polls: sum('sluice_watch_polls_total'),
      batchGetCalls: sum('sluice_watch_batch_get_calls_total'),
      keysRead: sum('sluice_watch_keys_read_total'),
    },
    memory: {
      rssMb: sum('process_resident_memory_bytes') / BYTES_PER_MIB,
      heapUsedMb: sum('nodejs_heap_size_used_bytes') / BYTES_PER_MIB,
    },
  };
}

/**
 * Reads the front's own counters (`GET /metrics` on its HTTP health port,
 * Prometheus text): a cross-check of what the counting proxy saw, and the watch hub's poll count.
 *
 * @example
 * ```ts
 * const metrics = await fetchFrontMetrics(runtime.healthPort);
 * metrics.watch?.polls;
 * ```
 */
export async function fetchFrontMetrics(healthPort: number): Promise<FrontMetrics> {
  const response = await fetch(`http://127.0.0.1:${String(healthPort)}/metrics`);
  if (!response.ok) throw new Error(`front /metrics answered ${response.status}`);
  return frontMetricsOf(await response.text());
}

/**
 * `end − start` of every numeric counter present in both readings.
 *
 * @example
 * ```ts
 * frontMetricsDelta(run.probes).watch?.polls; // polls during the window
 * ```
 */
export function frontMetricsDelta(
  probes: { start: unknown; end: unknown } | undefined,
): FrontMetrics {
  const start = frontMetricsSchema.safeParse(probes?.start);
  const end = frontMetricsSchema.safeParse(probes?.end);
  if (!start.success || !end.success) return {};
  const delta = <T extends Record<string, number | undefined>>(a?: T, b?: T): T | undefined => {
    if (a === undefined || b === undefined) return undefined;
    return Object.fromEntries(
      Object.keys(b).map((key) => [key, (b[key] ?? 0) - (a[key] ?? 0)]),
    ) as T;
  };
  return {
    producer: delta(start.data.producer, end.data.producer),
    watch: delta(start.data.watch, end.data.watch),
  };
}
