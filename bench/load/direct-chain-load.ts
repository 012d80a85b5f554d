import { setTimeout as delay } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { benchJobRequest } from './bench-job.js';
import { countError } from './grpc-clients.js';
import type { ChainStep, DirectChainResult, DirectChainTask, ErrorCounts } from './load-task.js';

const BENCH_TENANT = 'default';
const BENCH_REGION = 'us-east-1';
const MS_PER_SECOND = 1000;
/** The receive waits like an idle poller: it is sent this long before the message. */
const RECEIVE_HEAD_START_MS = 20;
/** Long-poll wait of that receive: far longer than any chain. */
const RECEIVE_WAIT_SECONDS = 5;

const CHAIN_STEPS: readonly ChainStep[] = ['send', 'record', 'wake', 'claim', 'finish', 'read'];

/**
 * The floor of one echo job's latency on these emulators, measured in the
 * same run as the real thing: the AWS calls on a job's critical path, made
 * directly with the AWS SDK (no gRPC, no front, no consumer code, no watch
 * interval) in the order Sluice makes them — a one-entry SendMessageBatch;
 * then at once the record's conditional PutItem and, on a receive that was
 * already waiting (as an idle poller's is), the claim's and the outcome's
 * conditional UpdateItems; then the one-key BatchGetItem a watch poll makes.
 * One chain at a time at `jobsPerSecond`, on a queue no consumer polls.
 *
 * @example
 * ```ts
 * const floor = await runDirectChain({ kind: 'direct-chain', awsEndpoint, queueUrl, tableName, jobsPerSecond: 10, warmupMs: 1000, durationMs: 5000 }, mark);
 * ```
 */
export async function runDirectChain(
  task: DirectChainTask,
  mark: (name: string) => void,
): Promise<DirectChainResult> {
  const clients = createAwsClients({ region: BENCH_REGION, endpoint: task.awsEndpoint });
  const table = new JobsTable({ client: clients.documents, tableName: task.tableName });
  const nextJobId = createJobIdGenerator();
  const histogram = new LatencyHistogram();
  const steps = Object.fromEntries(
    CHAIN_STEPS.map((step) => [step, new LatencyHistogram()]),
  ) as Record<ChainStep, LatencyHistogram>;
  const errors: ErrorCounts = {};
  const intervalMs = MS_PER_SECOND / task.jobsPerSecond;
  const warmupJobs = Math.round(task.warmupMs / intervalMs);
  const totalJobs = warmupJobs + Math.round(task.durationMs / intervalMs);
  let completed = 0;

  const chain = async (n: number): Promise<void> => {
    const jobId = nextJobId();
    const envelope: MessageEnvelope = {
      ...benchJobRequest(n),
      jobId,
      tenant: BENCH_TENANT,
      submitToken: jobId,
      createdAt: Date.now(),
    };
    const key = { tenant: BENCH_TENANT, jobId };
    const took: Partial<Record<ChainStep, number>> = {};
    const timed = async <T>(step: ChainStep, call: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const value = await call();
      took[step] = performance.now() - started;
      return value;
    };
    const receiving = clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: task.queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
      }),
    );
    await delay(RECEIVE_HEAD_START_MS);
    const started = performance.now();
    const sent = await timed('send', () =>
      clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: task.queueUrl,
          Entries: [
            {
              Id: '0',
              MessageBody: encodeEnvelope(envelope),
              MessageGroupId: messageGroupId(envelope),
              MessageDeduplicationId: jobId,
            },
          ],
        }),
      ),
    );
    const sentAt = performance.now();
    const sequenceNumber = sent.Successful?.[0]?.SequenceNumber ?? '0';
    const [, received] = await Promise.all([
      timed('record', () =>
        table.create(jobRecordFromEnvelope(envelope, { sequenceNumber, now: Date.now() })),
      ),
      (async () => {
        const { Messages = [] } = await receiving;
        took.wake = performance.now() - sentAt;
        await timed('claim', () => table.markRunning(key, 1));
        await timed('finish', () =>
          table.markSucceeded(key, 2, Buffer.from(envelope.payload), envelope.contentType),
        );
        return Messages;
      })(),
    ]);
    await timed('read', () => table.batchGet([key]));
    const totalMs = performance.now() - started;
    await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: task.queueUrl,
        Entries: received.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    if (n < warmupJobs) return;
    histogram.recordMs(totalMs);
    for (const step of CHAIN_STEPS) steps[step].recordMs(took[step] ?? 0);
    completed += 1;
  };

  const started = performance.now();
  let measureStartedAt = started;
  try {
    for (let n = 0; n < totalJobs; n++) {
      if (n === warmupJobs) {
        mark('measure-start');
        measureStartedAt = performance.now();
      }
      await chain(n).catch((error: unknown) => countError(errors, error));
      await delay(Math.max(0, started + (n + 1) * intervalMs - performance.now()));
    }
    mark('measure-end');
  } finally {
    destroyAwsClients(clients);
  }
  return {
    completed,
    elapsedMs: performance.now() - measureStartedAt,
    histogram: histogram.encode(),
    steps: Object.fromEntries(CHAIN_STEPS.map((step) => [step, steps[step].encode()])) as Record<
      ChainStep,
      string
    >,
    errors,
  };
}
