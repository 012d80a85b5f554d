import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type {
  JobServiceClient,
  SubmitJobsResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { benchJobRequest, type BenchJobOptions } from './bench-job.js';
import { countError, createJobServiceClient } from './grpc-clients.js';
import type { BulkSubmitLoadTask, BulkSubmitResult, ErrorCounts } from './load-task.js';

/** What one SubmitJobs stream should send. */
export interface SubmitStreamPlan {
  /** Global number of this stream's first job (refs are global numbers). */
  firstJob: number;
  jobs: number;
  windowPerStream: number;
  /** The payload size of each job (bytes); the bench job's ~100 B when unset. */
  payloadBytes?: number;
  /** Give each job a fresh idempotency key, as the TypeScript client does by default. */
  keyed?: boolean;
  /** Sent as `authorization: Bearer <apiKey>` (a front with API keys on). */
  apiKey?: string;
}

/** The request of job `jobNumber` in a stream of `plan`. */
function requestOf(plan: SubmitStreamPlan, jobNumber: number): ReturnType<typeof benchJobRequest> {
  const options: BenchJobOptions = {};
  if (plan.payloadBytes !== undefined) options.payloadBytes = plan.payloadBytes;
  if (plan.keyed === true) options.idempotencyKey = randomUUID();
  return benchJobRequest(jobNumber, options);
}

/** The call metadata of a stream: its API key, if any. */
export function authMetadata(apiKey: string | undefined): Metadata {
  const metadata = new Metadata();
  if (apiKey !== undefined) metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

/** Callbacks of a SubmitJobs stream, per answered job. */
export interface SubmitStreamHooks {
  onAccepted?: (jobId: string, jobNumber: number) => void;
  /** Called when job `jobNumber` is written. */
  onWritten?: (jobNumber: number) => void;
}

/** The tally of one or more SubmitJobs streams. */
export interface SubmitTally {
  accepted: number;
  rejected: number;
  errors: ErrorCounts;
  histogram: LatencyHistogram;
}

/**
 * Sends `plan.jobs` jobs over one SubmitJobs stream, keeping at most
 * `windowPerStream` unanswered and honouring the stream's flow control
 * (`write` → false waits for `drain`); resolves when the server has ended
 * the stream. Per-job ack latency goes into the tally's histogram.
 *
 * @example
 * ```ts
 * await runSubmitStream(client, { firstJob: 0, jobs: 10_000, windowPerStream: 512 }, tally);
 * ```
 */
export function runSubmitStream(
  client: JobServiceClient,
  plan: SubmitStreamPlan,
  tally: SubmitTally,
  hooks: SubmitStreamHooks = {},
): Promise<void> {
  const call = client.submitJobs(authMetadata(plan.apiKey));
  const sentAt = new Float64Array(plan.jobs);
  let written = 0;
  let answered = 0;
  let waitingForDrain = false;
  let ended = false;
  const pump = (): void => {
    while (!waitingForDrain && written < plan.jobs && written - answered < plan.windowPerStream) {
      const jobNumber = plan.firstJob + written;
      sentAt[written] = performance.now();
      written += 1;
      hooks.onWritten?.(jobNumber);
      if (!call.write({ ref: String(jobNumber), job: requestOf(plan, jobNumber) })) {
        waitingForDrain = true;
        call.once('drain', () => {
          waitingForDrain = false;
          pump();
        });
      }
    }
    if (written === plan.jobs && !ended) {
      ended = true;
      call.end();
    }
  };
  call.on('data', (response: SubmitJobsResponse) => {
    answered += 1;
    const jobNumber = Number(response.ref);
    const index = jobNumber - plan.firstJob;
    if (index >= 0 && index < plan.jobs)
      tally.histogram.recordMs(performance.now() - sentAt[index]!);
    if (response.accepted !== undefined) {
      tally.accepted += 1;
      hooks.onAccepted?.(response.accepted.jobId, jobNumber);
    } else {
      tally.rejected += 1;
      countError(tally.errors, response.error ?? new Error('empty response'));
    }
    pump();
  });
  return new Promise((resolve) => {
    call.on('error', (error) => {
      countError(tally.errors, error);
      resolve();
    });
    call.on('status', () => resolve());
    pump();
  });
}

/** Splits `jobs` over `streams` streams as evenly as possible; `shape` applies to every stream. */
export function planStreams(
  jobs: number,
  streams: number,
  windowPerStream: number,
  firstJob = 0,
  shape: Pick<SubmitStreamPlan, 'payloadBytes' | 'keyed' | 'apiKey'> = {},
): SubmitStreamPlan[] {
  const base = Math.floor(jobs / streams);
  const plans: SubmitStreamPlan[] = [];
  let next = firstJob;
  for (let i = 0; i < streams; i++) {
    const count = base + (i < jobs % streams ? 1 : 0);
    plans.push({ ...shape, firstJob: next, jobs: count, windowPerStream });
    next += count;
  }
  return plans;
}

/** A new, empty tally. */
export function newTally(): SubmitTally {
  return { accepted: 0, rejected: 0, errors: {}, histogram: new LatencyHistogram() };
}

/**
 * Bulk ingestion over SubmitJobs: a warm-up batch (discarded), then `jobs`
 * jobs over `streams` streams; throughput is accepted jobs over the time from
 * the first write to the last stream's end.
 *
 * @example
 * ```ts
 * const result = await runBulkSubmitLoad({ kind: 'bulk-submit', address, streams: 4, jobs: 100_000, warmupJobs: 2000, windowPerStream: 512, returnJobIds: 0 }, mark);
 * ```
 */
export async function runBulkSubmitLoad(
  task: BulkSubmitLoadTask,
  mark: (name: string) => void,
): Promise<BulkSubmitResult> {
  const client = createJobServiceClient(task.address);
  const shape: Pick<SubmitStreamPlan, 'payloadBytes' | 'keyed' | 'apiKey'> = {};
  if (task.payloadBytes !== undefined) shape.payloadBytes = task.payloadBytes;
  if (task.keyed !== undefined) shape.keyed = task.keyed;
  if (task.apiKey !== undefined) shape.apiKey = task.apiKey;
  const firstJob = task.firstJob ?? 0;
  try {
    if (task.warmupJobs > 0) {
      const warmup = newTally();
      await Promise.all(
        planStreams(task.warmupJobs, task.streams, task.windowPerStream, firstJob, shape).map(
          (plan) => runSubmitStream(client, plan, warmup),
        ),
      );
    }
    const tally = newTally();
    const jobIds: string[] = [];
    const onAccepted = (jobId: string): void => {
      if (jobIds.length < task.returnJobIds) jobIds.push(jobId);
    };
    mark('measure-start');
    const started = performance.now();
    await Promise.all(
      planStreams(
        task.jobs,
        task.streams,
        task.windowPerStream,
        firstJob + task.warmupJobs,
        shape,
      ).map((plan) => runSubmitStream(client, plan, tally, { onAccepted })),
    );
    const elapsedMs = performance.now() - started;
    mark('measure-end');
    return {
      completed: tally.accepted,
      accepted: tally.accepted,
      rejected: tally.rejected,
      elapsedMs,
      histogram: tally.histogram.encode(),
      errors: tally.errors,
      jobIds,
    };
  } finally {
    client.close();
  }
}
