import { randomUUID } from 'node:crypto';
import { createAwsClients, destroyAwsClients } from '../../core/aws/aws-clients.js';
import type { MessageEnvelope } from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator, deterministicJobId } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { benchJobRequest } from './bench-job.js';
import { countError } from './grpc-clients.js';
import { sendEnvelopeBatch } from './send-envelope-batch.js';
import type { DirectProducerTask, ErrorCounts, ThroughputResult } from './load-task.js';

/** SQS's SendMessageBatch limit, and the batch the front fills under load. */
const BATCH_ENTRIES = 10;
/** SQS's limit on one SendMessageBatch (the sum of its bodies), as the front's batcher keeps it. */
const MAX_BATCH_BYTES = 256 * 1024;
const BENCH_TENANT = 'default';
const BENCH_REGION = 'us-east-1';

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}

/**
 * The pipelined direct producer: the submit path's AWS calls for a fixed
 * number of jobs, made with the AWS SDK and the front's own record code
 * (no gRPC, no validation, no linger), overlapped the way the front
 * overlaps them — a job is (with a key) read, sent in a 10-entry
 * SendMessageBatch, and recorded with its conditional PutItem; at most
 * `batchesInFlight` sends are open, an answered batch's puts start at once
 * while the next sends go out, and at most `jobsInFlight` jobs are anywhere
 * in that line. Whatever the front does on top can only cost time, so this
 * is the ceiling its bulk ingestion is divided by. A warm-up of
 * `warmupJobs` comes first, between no marks.
 *
 * @example
 * ```ts
 * const result = await runDirectProducer({ kind: 'direct-producer', awsEndpoint, queueUrl, tableName, jobs: 10_000, warmupJobs: 500, batchesInFlight: 8, jobsInFlight: 1024 }, mark);
 * ```
 */
export async function runDirectProducer(
  task: DirectProducerTask,
  mark: (name: string) => void,
): Promise<ThroughputResult> {
  const clients = createAwsClients({ region: BENCH_REGION, endpoint: task.awsEndpoint });
  const table = new JobsTable({ client: clients.documents, tableName: task.tableName });
  const nextJobId = createJobIdGenerator();
  const runId = randomUUID();
  const envelope = (n: number): MessageEnvelope => {
    const key = task.keyed === true ? `${runId}-${n}` : '';
    const request = benchJobRequest(n, {
      ...(task.payloadBytes === undefined ? {} : { payloadBytes: task.payloadBytes }),
      idempotencyKey: key,
    });
    return {
      ...request,
      jobId: key === '' ? nextJobId() : deterministicJobId(BENCH_TENANT, request.channel, key),
      tenant: BENCH_TENANT,
      submitToken: randomUUID(),
      createdAt: Date.now(),
    };
  };
  const sendSlots = new Slots(task.batchesInFlight);

  /** One batch through the line: reads (keyed), the send (in a slot), then the puts. */
  const batchLine = async (envelopes: MessageEnvelope[]): Promise<void> => {
    if (task.keyed === true) {
      const found = await Promise.all(
        envelopes.map((e) => table.get({ tenant: e.tenant, jobId: e.jobId })),
      );
      if (found.some((record) => record !== undefined)) throw new Error('a keyed job existed');
    }
    await sendSlots.acquire();
    let sequenceNumbers: string[];
    try {
      sequenceNumbers = (await sendEnvelopeBatch(clients.sqs, task.queueUrl, envelopes)).map(
        (sequenceNumber) => sequenceNumber ?? '',
      );
    } finally {
      sendSlots.release();
    }
    await Promise.all(
      envelopes.map(async (e, i) => {
        const record = jobRecordFromEnvelope(e, {
          sequenceNumber: sequenceNumbers[i] ?? '',
          now: Date.now(),
        });
        if (!(await table.create(record))) throw new Error('record already existed');
      }),
    );
  };

  /** Runs `jobs` jobs numbered from `first` through the line; resolves when all are recorded. */
  const runJobs = async (first: number, jobs: number): Promise<ThroughputResult> => {
    const histogram = new LatencyHistogram();
    const errors: ErrorCounts = {};
    // Batches as the front's batcher cuts them: ≤ 10 entries and ≤ 256 KiB of bodies.
    const perBatch =
      task.payloadBytes === undefined
        ? BATCH_ENTRIES
        : Math.max(1, Math.min(BATCH_ENTRIES, Math.floor(MAX_BATCH_BYTES / task.payloadBytes)));
    const lines = Math.max(1, Math.floor(task.jobsInFlight / perBatch));
    let next = 0;
    let completed = 0;
    const started = performance.now();
    const lane = async (): Promise<void> => {
      while (next < jobs) {
        const count = Math.min(perBatch, jobs - next);
        const envelopes = Array.from({ length: count }, (_, i) => envelope(first + next + i));
        next += count;
        const batchStarted = performance.now();
        try {
          await batchLine(envelopes);
          completed += count;
          const ms = performance.now() - batchStarted;
          for (let i = 0; i < count; i++) histogram.recordMs(ms);
        } catch (error) {
          countError(errors, error);
        }
      }
    };
    await Promise.all(Array.from({ length: lines }, lane));
    return {
      completed,
      elapsedMs: performance.now() - started,
      histogram: histogram.encode(),
      errors,
    };
  };

  try {
    if (task.warmupJobs > 0) await runJobs(0, task.warmupJobs);
    mark('measure-start');
    const result = await runJobs(task.warmupJobs, task.jobs);
    mark('measure-end');
    return result;
  } finally {
    destroyAwsClients(clients);
  }
}
