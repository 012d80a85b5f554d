import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { benchJobRequest } from './bench-job.js';
import { runClosedLoop, warmThenMeasure } from './closed-loop.js';
import type {
  SubmitPathCeilingResult,
  SubmitPathCeilingTask,
  ThroughputResult,
} from './load-task.js';

/** SQS's SendMessageBatch limit, and the batch the front aims to fill. */
const BATCH_ENTRIES = 10;
const BENCH_TENANT = 'default';
const BENCH_REGION = 'us-east-1';

/**
 * The emulators' own ceilings for exactly the calls one job needs on the
 * submit path, made directly (no gRPC, no front): 10-entry SendMessageBatch
 * calls alone, the record's conditional PutItem alone, and both together as
 * one job needs them (a tenth of a batch send, then its put). Each run is
 * preceded by a warm-up.
 *
 * @example
 * ```ts
 * const ceiling = await runSubmitPathCeiling({ kind: 'submit-path-ceiling', awsEndpoint, queueUrl, tableName, batchConcurrency: 8, putConcurrency: 64, warmupMs: 1000, durationMs: 3000 }, mark);
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
    const response = await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: task.queueUrl,
        Entries: envelopes.map((e, i) => ({
          Id: String(i),
          MessageBody: encodeEnvelope(e),
          MessageGroupId: messageGroupId(e),
          MessageDeduplicationId: e.jobId,
        })),
      }),
    );
    if ((response.Failed ?? []).length > 0) throw new Error('SendMessageBatch entries failed');
    return envelopes.map(
      (_, i) => response.Successful?.find((s) => s.Id === String(i))?.SequenceNumber ?? '0',
    );
  };
  const putRecord = async (e: MessageEnvelope, sequenceNumber: string): Promise<void> => {
    const created = await table.create(
      jobRecordFromEnvelope(e, { sequenceNumber, now: Date.now() }),
    );
    if (!created) throw new Error('record already existed');
  };
  const measure = (
    concurrency: number,
    call: (n: number) => Promise<number>,
  ): Promise<ThroughputResult> =>
    warmThenMeasure(mark, task.warmupMs, task.durationMs, (durationMs) =>
      runClosedLoop({ concurrency, durationMs, call }),
    );
  const batchOf = (n: number): MessageEnvelope[] =>
    Array.from({ length: BATCH_ENTRIES }, (_, i) => envelope(n * BATCH_ENTRIES + i));

  try {
    const sendBatchResult = await measure(task.batchConcurrency, async (n) => {
      await sendBatch(batchOf(n));
      return BATCH_ENTRIES;
    });
    const conditionalPut = await measure(task.putConcurrency, async (n) => {
      await putRecord(envelope(n), '1');
      return 1;
    });
    const combined = await measure(task.batchConcurrency, async (n) => {
      const envelopes = batchOf(n);
      const sequenceNumbers = await sendBatch(envelopes);
      await Promise.all(envelopes.map((e, i) => putRecord(e, sequenceNumbers[i] ?? '0')));
      return BATCH_ENTRIES;
    });
    return { sendBatch: sendBatchResult, conditionalPut, combined };
  } finally {
    destroyAwsClients(clients);
  }
}
