import { emfLine, type EmfUnit } from '../../core/metrics/embedded-metric-format.js';

/** The CloudWatch namespace of the consumers' metrics. */
export const JOB_METRICS_NAMESPACE = 'Sluice';

/** Every metric of a job attempt and its unit (the README's table). */
export const JOB_METRIC_UNITS = {
  /** One per attempt, by outcome: count them for throughput and error rate. */
  Jobs: 'Count',
  /** From the submit being accepted to this attempt's start (earlier attempts and backoffs included). */
  QueueWaitMs: 'Milliseconds',
  /** The processor's run time in this attempt. */
  RunTimeMs: 'Milliseconds',
  /** The attempt's number (1 for the first): its average by outcome shows how much retrying it took. */
  Attempts: 'Count',
} as const satisfies Record<string, EmfUnit>;

/** How a processor attempt ended: the `outcome` dimension. */
export type JobOutcome = 'succeeded' | 'failed' | 'retried';

/** One processor attempt, as measured by the consumer. */
export interface JobAttempt {
  channel: string;
  outcome: JobOutcome;
  jobId: string;
  /** The job's trace id, or `''` when it was not traced. */
  traceId: string;
  /** Epoch ms the submit was accepted (the envelope's `createdAt`). */
  acceptedAt: number;
  /** Epoch ms the processor started. */
  startedAt: number;
  runTimeMs: number;
  attempt: number;
}

/**
 * Where a consumer's metric lines go: stdout on Lambda (CloudWatch reads
 * EMF there), the local runner's output locally, a list in tests.
 */
export type JobMetricsSink = (line: string) => void;

/**
 * The EMF line of one processor attempt: `Jobs`, `QueueWaitMs`, `RunTimeMs`
 * and `Attempts` by `channel` and `outcome` (and by `channel` alone, for the
 * totals), with the job id and trace id as properties — searchable in Logs
 * Insights, never a dimension.
 *
 * @example
 * ```ts
 * sink(jobAttemptLine({ channel: 'default', outcome: 'succeeded', jobId, traceId: '', acceptedAt, startedAt, runTimeMs: 12, attempt: 1 }));
 * ```
 */
export function jobAttemptLine(attempt: JobAttempt): string {
  const values: Record<keyof typeof JOB_METRIC_UNITS, number> = {
    Jobs: 1,
    QueueWaitMs: Math.max(0, attempt.startedAt - attempt.acceptedAt),
    RunTimeMs: attempt.runTimeMs,
    Attempts: attempt.attempt,
  };
  return emfLine({
    namespace: JOB_METRICS_NAMESPACE,
    timestamp: attempt.startedAt + attempt.runTimeMs,
    dimensions: { channel: attempt.channel, outcome: attempt.outcome },
    dimensionSets: [['channel', 'outcome'], ['channel']],
    metrics: Object.entries(JOB_METRIC_UNITS).map(([name, unit]) => ({
      name,
      unit,
      value: values[name as keyof typeof JOB_METRIC_UNITS],
    })),
    properties: {
      jobId: attempt.jobId,
      ...(attempt.traceId === '' ? {} : { trace_id: attempt.traceId }),
    },
  });
}
