import { setTimeout as delay } from 'node:timers/promises';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { LatencyHistogram } from '../framework/latency-histogram.js';
import { benchJobRequest } from './bench-job.js';
import { newTally, planStreams, runSubmitStream } from './bulk-submit-load.js';
import { countError, createJobServiceClient, submitJob } from './grpc-clients.js';
import type {
  ErrorCounts,
  LightEndToEndTask,
  SaturatedEndToEndResult,
  SaturatedEndToEndTask,
  ThroughputResult,
} from './load-task.js';
import { isTerminalState, openWatch, type OpenWatch } from './watch-streams.js';

const MS_PER_SECOND = 1000;

/**
 * The light-load result: end-to-end latency, and where it went — from the
 * record's own timestamps (the machine has one clock): submit → ack,
 * accepted → started by the consumer, started → finished, finished → seen on
 * the watch stream.
 */
export interface LightEndToEndResult extends ThroughputResult {
  submitHistogram: string;
  stages: Record<LatencyStage, string>;
}

/** The stages of one job's end-to-end latency. */
export type LatencyStage = 'ack' | 'queued' | 'running' | 'notified';

const LATENCY_STAGES: readonly LatencyStage[] = ['ack', 'queued', 'running', 'notified'];

/**
 * Light load: `jobsPerSecond` echo jobs, each submitted (unary) and then
 * watched on its own WatchJobs stream until SUCCEEDED is seen; latency is
 * submit start → SUCCEEDED received. Jobs in the warm-up are not recorded.
 *
 * @example
 * ```ts
 * const result = await runLightEndToEnd({ kind: 'end-to-end-light', address, jobsPerSecond: 10, warmupMs: 1000, durationMs: 10_000, jobTimeoutMs: 30_000 }, mark);
 * ```
 */
export async function runLightEndToEnd(
  task: LightEndToEndTask,
  mark: (name: string) => void,
): Promise<LightEndToEndResult> {
  const client = createJobServiceClient(task.address);
  const histogram = new LatencyHistogram();
  const submitHistogram = new LatencyHistogram();
  const stages = Object.fromEntries(
    LATENCY_STAGES.map((stage) => [stage, new LatencyHistogram()]),
  ) as Record<LatencyStage, LatencyHistogram>;
  const errors: ErrorCounts = {};
  const intervalMs = MS_PER_SECOND / task.jobsPerSecond;
  const warmupJobs = Math.round(task.warmupMs / intervalMs);
  const totalJobs = warmupJobs + Math.round(task.durationMs / intervalMs);
  let completed = 0;

  const runJob = async (n: number): Promise<void> => {
    const recorded = n >= warmupJobs;
    const started = performance.now();
    const startedAtWall = Date.now();
    const { jobId } = await submitJob(client, benchJobRequest(n));
    if (recorded) submitHistogram.recordMs(performance.now() - started);
    const ackedAtWall = Date.now();
    let succeededAt: number | undefined;
    let failedState: JobState | undefined;
    const watch = openWatch(client, [jobId], (job) => {
      if (job.state === JobState.JOB_STATE_SUCCEEDED && succeededAt === undefined) {
        succeededAt = performance.now();
        const { createdAt, startedAt, finishedAt } = job;
        if (recorded && createdAt && startedAt && finishedAt) {
          stages.ack.recordMs(ackedAtWall - startedAtWall);
          stages.queued.recordMs(startedAt.getTime() - createdAt.getTime());
          stages.running.recordMs(finishedAt.getTime() - startedAt.getTime());
          stages.notified.recordMs(Date.now() - finishedAt.getTime());
        }
      } else if (isTerminalState(job.state)) failedState = job.state;
    });
    const timer = setTimeout(() => watch.call.cancel(), task.jobTimeoutMs);
    const end = await watch.ended;
    clearTimeout(timer);
    if (succeededAt !== undefined) {
      if (recorded) {
        histogram.recordMs(succeededAt - started);
        completed += 1;
      }
    } else if (failedState !== undefined) {
      errors[JobState[failedState]] = (errors[JobState[failedState]] ?? 0) + 1;
    } else {
      countError(errors, end.error ?? new Error('watch ended before SUCCEEDED'));
    }
  };

  const jobs: Promise<void>[] = [];
  const started = performance.now();
  let measureStartedAt = started;
  for (let n = 0; n < totalJobs; n++) {
    if (n === warmupJobs) {
      mark('measure-start');
      measureStartedAt = performance.now();
    }
    jobs.push(runJob(n).catch((error: unknown) => countError(errors, error)));
    // Schedule against the start, so slow submits do not lower the arrival rate.
    await delay(Math.max(0, started + (n + 1) * intervalMs - performance.now()));
  }
  await Promise.all(jobs);
  const elapsedMs = performance.now() - measureStartedAt;
  mark('measure-end');
  client.close();
  return {
    completed,
    elapsedMs,
    histogram: histogram.encode(),
    submitHistogram: submitHistogram.encode(),
    stages: Object.fromEntries(
      LATENCY_STAGES.map((stage) => [stage, stages[stage].encode()]),
    ) as Record<LatencyStage, string>,
    errors,
  };
}

/**
 * Saturation: a warm-up batch, then `jobs` echo jobs as fast as SubmitJobs
 * takes them over `streams` streams, each accepted job watched (in WatchJobs
 * streams of `idsPerWatch` ids) until terminal. Reports every completion's
 * time, so the bench can compute the sustained rate.
 *
 * @example
 * ```ts
 * const result = await runSaturatedEndToEnd({ kind: 'end-to-end-saturation', address, jobs: 5000, warmupJobs: 200, streams: 4, windowPerStream: 256, idsPerWatch: 100, timeoutMs: 120_000 }, mark);
 * ```
 */
export async function runSaturatedEndToEnd(
  task: SaturatedEndToEndTask,
  mark: (name: string) => void,
): Promise<SaturatedEndToEndResult> {
  const client = createJobServiceClient(task.address);
  try {
    if (task.warmupJobs > 0)
      await submitAndWatch(task, client, task.warmupJobs, 0, () => undefined);
    mark('measure-start');
    const result = await submitAndWatch(task, client, task.jobs, task.warmupJobs, mark);
    return result;
  } finally {
    client.close();
  }
}

async function submitAndWatch(
  task: SaturatedEndToEndTask,
  client: ReturnType<typeof createJobServiceClient>,
  jobs: number,
  firstJob: number,
  mark: (name: string) => void,
): Promise<SaturatedEndToEndResult> {
  const started = performance.now();
  const histogram = new LatencyHistogram();
  const errors: ErrorCounts = {};
  const writtenAt = new Float64Array(jobs);
  const numberOfJob = new Map<string, number>();
  const terminal = new Set<string>();
  const completionOffsetsMs: number[] = [];
  const watches: OpenWatch[] = [];
  let succeeded = 0;
  let otherTerminal = 0;
  let pending: string[] = [];
  let submitted = false;
  let allTerminal: () => void = () => undefined;
  const everyJobTerminal = new Promise<void>((resolve) => (allTerminal = resolve));
  const tally = newTally();

  const onSnapshot = (job: { jobId: string; state: JobState }): void => {
    if (!isTerminalState(job.state) || terminal.has(job.jobId)) return;
    terminal.add(job.jobId);
    const now = performance.now();
    if (job.state === JobState.JOB_STATE_SUCCEEDED) {
      succeeded += 1;
      completionOffsetsMs.push(now - started);
      const n = numberOfJob.get(job.jobId);
      if (n !== undefined) histogram.recordMs(now - writtenAt[n - firstJob]!);
    } else {
      otherTerminal += 1;
      errors[JobState[job.state]] = (errors[JobState[job.state]] ?? 0) + 1;
    }
    if (terminal.size >= tally.accepted && submitted) allTerminal();
  };
  const flushWatch = (): void => {
    if (pending.length === 0) return;
    watches.push(openWatch(client, pending, onSnapshot));
    pending = [];
  };
  await Promise.all(
    planStreams(jobs, task.streams, task.windowPerStream, firstJob).map((plan) =>
      runSubmitStream(client, plan, tally, {
        onWritten: (n) => (writtenAt[n - firstJob] = performance.now()),
        onAccepted: (jobId, n) => {
          numberOfJob.set(jobId, n);
          pending.push(jobId);
          if (pending.length >= task.idsPerWatch) flushWatch();
        },
      }),
    ),
  );
  const submitElapsedMs = performance.now() - started;
  submitted = true;
  flushWatch();
  for (const [name, count] of Object.entries(tally.errors))
    errors[name] = (errors[name] ?? 0) + count;
  if (terminal.size >= tally.accepted) allTerminal();
  const timer = setTimeout(allTerminal, task.timeoutMs);
  await everyJobTerminal;
  clearTimeout(timer);
  mark('measure-end');
  for (const watch of watches) watch.call.cancel();
  await Promise.all(watches.map((watch) => watch.ended));
  if (terminal.size < tally.accepted) errors.timeout = tally.accepted - terminal.size;
  completionOffsetsMs.sort((a, b) => a - b);
  return {
    submitted: tally.accepted,
    succeeded,
    otherTerminal,
    completionOffsetsMs,
    submitElapsedMs,
    histogram: histogram.encode(),
    errors,
  };
}
