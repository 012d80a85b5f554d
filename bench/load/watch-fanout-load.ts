import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { JobServiceClient } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { countError, createJobServiceClient } from './grpc-clients.js';
import type { ErrorCounts, WatchFanOutResult, WatchFanOutTask } from './load-task.js';
import { openWatch, type OpenWatch } from './watch-streams.js';

/** After the last cancel, how long the streams stay open for its event to arrive. */
const DELIVERY_GRACE_MS = 1000;

function cancelJob(client: JobServiceClient, jobId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.cancelJob({ jobId }, (error) => (error === null ? resolve() : reject(error)));
  });
}

/** Every `step`-th id, `count` of them: cancels spread over all streams. */
function spreadIds(jobIds: string[], count: number): string[] {
  if (count <= 0) return [];
  const step = Math.max(1, Math.floor(jobIds.length / count));
  const picked: string[] = [];
  for (let i = 0; i < jobIds.length && picked.length < count; i += step) picked.push(jobIds[i]!);
  return picked;
}

/**
 * Watch fan-out: `jobIds` split over `streams` WatchJobs streams of one
 * front. Once every job's first snapshot has arrived (the warm-up), a steady
 * window of `durationMs` with no changes is measured (between marks, so the
 * bench samples the front's DynamoDB reads, RSS and CPU); then `cancels` of
 * the jobs, spread over every stream, are cancelled so the hub has changes to
 * deliver. The client closes the streams at the end.
 *
 * @example
 * ```ts
 * const result = await runWatchFanOut({ kind: 'watch-fanout', address, jobIds, streams: 100, settleTimeoutMs: 30_000, durationMs: 10_000, cancels: 1000, cancelConcurrency: 16, cancelPhaseMs: 10_000 }, mark);
 * ```
 */
export async function runWatchFanOut(
  task: WatchFanOutTask,
  mark: (name: string) => void,
): Promise<WatchFanOutResult> {
  const client = createJobServiceClient(task.address);
  const errors: ErrorCounts = {};
  const seen = new Set<string>();
  let inWindow = false;
  let windowEvents = 0;
  let totalEvents = 0;
  let settled: () => void = () => undefined;
  const allSeen = new Promise<void>((resolve) => (settled = resolve));
  const perStream = Math.ceil(task.jobIds.length / task.streams);
  const watches: OpenWatch[] = [];
  const started = performance.now();
  for (let i = 0; i < task.streams; i++) {
    const ids = task.jobIds.slice(i * perStream, (i + 1) * perStream);
    if (ids.length === 0) continue;
    watches.push(
      openWatch(client, ids, (job) => {
        totalEvents += 1;
        if (inWindow) windowEvents += 1;
        if (!seen.has(job.jobId)) {
          seen.add(job.jobId);
          if (seen.size === task.jobIds.length) settled();
        }
      }),
    );
  }
  const settleTimer = setTimeout(settled, task.settleTimeoutMs);
  await allSeen;
  clearTimeout(settleTimer);
  const settleMs = performance.now() - started;
  const initialSnapshots = seen.size;

  mark('measure-start');
  inWindow = true;
  const windowStarted = performance.now();
  await delay(task.durationMs);
  const windowMs = performance.now() - windowStarted;
  inWindow = false;
  mark('measure-end');

  // Changes to deliver: cancel some jobs, spread over every stream.
  const eventsBeforeCancels = totalEvents;
  const cancelStarted = performance.now();
  const toCancel = spreadIds(task.jobIds, task.cancels);
  let cancelled = 0;
  const cancelLane = async (): Promise<void> => {
    while (toCancel.length > 0 && performance.now() - cancelStarted < task.cancelPhaseMs) {
      const jobId = toCancel.pop()!;
      try {
        await cancelJob(client, jobId);
        cancelled += 1;
      } catch (error) {
        countError(errors, error);
      }
    }
  };
  await Promise.all(Array.from({ length: task.cancelConcurrency }, cancelLane));
  // Give the hub a moment to deliver the last cancellations before the streams close.
  await delay(DELIVERY_GRACE_MS);
  const cancelPhaseMs = performance.now() - cancelStarted;
  const cancelPhaseEvents = totalEvents - eventsBeforeCancels;

  let streamsEndedByServer = 0;
  for (const watch of watches) watch.call.cancel();
  for (const end of await Promise.all(watches.map((watch) => watch.ended))) {
    if (end.endedByServer) streamsEndedByServer += 1;
    else if (
      end.error !== undefined &&
      (end.error as { code?: number }).code !== status.CANCELLED
    ) {
      countError(errors, end.error);
    }
  }
  client.close();
  return {
    streamsOpened: watches.length,
    initialSnapshots,
    settleMs,
    windowEvents,
    windowMs,
    cancelled,
    cancelPhaseEvents,
    cancelPhaseMs,
    streamsEndedByServer,
    errors,
  };
}
