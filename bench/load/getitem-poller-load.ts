import { setTimeout as delay } from 'node:timers/promises';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { countError } from './grpc-clients.js';
import type { ErrorCounts, GetItemPollerTask, ThroughputResult } from './load-task.js';

const BENCH_TENANT = 'default';
const BENCH_REGION = 'us-east-1';
const MS_PER_SECOND = 1000;

/**
 * The naive watcher, measured: every watched job read with its own strongly
 * consistent GetItem (what GetJob does), round after round over the ids,
 * paced at `callsPerSecond` (the rate a per-job poller needs to match the
 * watch hub's polls) with at most `concurrency` reads open — so what it
 * reaches, and what it costs, is counted rather than computed.
 *
 * @example
 * ```ts
 * const result = await runGetItemPoller({ kind: 'getitem-poller', awsEndpoint, tableName, jobIds, callsPerSecond: 5000, concurrency: 64, durationMs: 5000 }, mark);
 * ```
 */
export async function runGetItemPoller(
  task: GetItemPollerTask,
  mark: (name: string) => void,
): Promise<ThroughputResult> {
  const clients = createAwsClients({ region: BENCH_REGION, endpoint: task.awsEndpoint });
  const table = new JobsTable({ client: clients.documents, tableName: task.tableName });
  const histogram = new LatencyHistogram();
  const errors: ErrorCounts = {};
  const intervalMs = MS_PER_SECOND / Math.max(task.callsPerSecond, 1);
  try {
    mark('measure-start');
    const started = performance.now();
    const deadline = started + task.durationMs;
    let scheduled = 0;
    let completed = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        const at = started + scheduled * intervalMs;
        if (at >= deadline) return;
        const jobId = task.jobIds[scheduled % task.jobIds.length] as string;
        scheduled += 1;
        const wait = at - performance.now();
        if (wait > 0) await delay(wait);
        const callStarted = performance.now();
        try {
          await table.get({ tenant: BENCH_TENANT, jobId });
          completed += 1;
          histogram.recordMs(performance.now() - callStarted);
        } catch (error) {
          countError(errors, error);
        }
      }
    };
    await Promise.all(Array.from({ length: task.concurrency }, lane));
    const elapsedMs = performance.now() - started;
    mark('measure-end');
    return { completed, elapsedMs, histogram: histogram.encode(), errors };
  } finally {
    destroyAwsClients(clients);
  }
}
