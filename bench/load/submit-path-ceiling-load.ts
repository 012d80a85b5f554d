import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { benchJobRequest } from './bench-job.js';
import { runClosedLoop } from './closed-loop.js';
import { sendEnvelopeBatch } from './send-envelope-batch.js';
import type {
  CeilingPoint,
  SubmitPathCall,
  SubmitPathCeilingResult,
  SubmitPathCeilingTask,
} from './load-task.js';

/** SQS's SendMessageBatch limit, and the batch the front aims to fill. */
const BATCH_ENTRIES = 10;
const BENCH_TENANT = 'default';
const BENCH_REGION = 'us-east-1';

/**
 * The emulators' own ceilings for single calls a job needs, made directly
 * (no gRPC, no front, no consumer): 10-entry SendMessageBatch calls alone,
 * the record's conditional PutItem alone, and a job's three conditional
 * writes in order (put, claim, outcome) — each at
 * every concurrency asked for, after a warm-up, since the emulators' best
 * concurrency differs from call to call.
 *
 * @example
 * ```ts
 * const ceiling = await runSubmitPathCeiling({ kind: 'submit-path-ceiling', awsEndpoint, queueUrl, tableName, calls: ['jobWrites'], batchConcurrencies: [4, 8], putConcurrencies: [8, 32], warmupMs: 500, durationMs: 1500 }, mark);
 * ```
 */
export async function runSubmitPathCeiling(
  task: SubmitPathCeilingTask,
  mark: (name: string) => void,
): Promise<SubmitPathCeilingResult> {
  const clients = createAwsClients({ region: BENCH_REGION, endpoint: task.awsEndpoint });
  const table = new JobsTable({ client: clients.documents, tableName: task.tableName });
  const nextJobId = createJobIdGenerator();
  const envelope = (n: number): MessageEnvelope => {
    const request = benchJobRequest(n);
    const jobId = nextJobId();
    return {
      ...request,
      jobId,
      tenant: BENCH_TENANT,
      submitToken: jobId,
      createdAt: Date.now(),
    };
  };
  const sendBatch = async (envelopes: MessageEnvelope[]): Promise<string[]> => {
    const sequenceNumbers = await sendEnvelopeBatch(clients.sqs, task.queueUrl, envelopes);
    return sequenceNumbers.map((sequenceNumber) => sequenceNumber ?? '0');
  };
  const putRecord = async (e: MessageEnvelope, sequenceNumber: string): Promise<void> => {
    const created = await table.create(
      jobRecordFromEnvelope(e, { sequenceNumber, now: Date.now() }),
    );
    if (!created) throw new Error('record already existed');
  };
  const batchOf = (n: number): MessageEnvelope[] =>
    Array.from({ length: BATCH_ENTRIES }, (_, i) => envelope(n * BATCH_ENTRIES + i));
  const calls: Record<SubmitPathCall, (n: number) => Promise<number>> = {
    sendBatch: async (n) => {
      await sendBatch(batchOf(n));
      return BATCH_ENTRIES;
    },
    conditionalPut: async (n) => {
      await putRecord(envelope(n), '1');
      return 1;
    },
    jobWrites: async (n) => {
      const e = envelope(n);
      const key = { tenant: e.tenant, jobId: e.jobId };
      await putRecord(e, '1');
      if ((await table.markRunning(key, 1)) === undefined) throw new Error('claim lost');
      const done = await table.markSucceeded(key, 2, Buffer.from(e.payload), e.contentType);
      if (done === undefined) throw new Error('outcome lost');
      return 1;
    },
  };
  const sweep = async (call: SubmitPathCall): Promise<CeilingPoint[]> => {
    const concurrencies =
      call === 'conditionalPut' || call === 'jobWrites'
        ? task.putConcurrencies
        : task.batchConcurrencies;
    const points: CeilingPoint[] = [];
    await runClosedLoop({
      concurrency: concurrencies[0] ?? 1,
      durationMs: task.warmupMs,
      call: calls[call],
    });
    for (const concurrency of concurrencies) {
      mark('measure-start');
      const result = await runClosedLoop({
        concurrency,
        durationMs: task.durationMs,
        call: calls[call],
      });
      mark('measure-end');
      points.push({ concurrency, result });
    }
    return points;
  };

  try {
    const result: SubmitPathCeilingResult = {};
    for (const call of task.calls) result[call] = await sweep(call);
    return result;
  } finally {
    destroyAwsClients(clients);
  }
}
