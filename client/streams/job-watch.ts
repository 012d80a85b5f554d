import { setTimeout as delay } from 'node:timers/promises';
import { status as Status, type StatusObject } from '@grpc/grpc-js';
import type { WatchJobsResponse } from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { JobServiceConnection } from '../connection/job-service-connection.js';
import { isTerminalState, jobFromProto, type Job } from '../job.js';
import { Backoff, type RetryOptions } from '../retry/backoff.js';
import { isRetryableFailure } from '../retry/retryable-failure.js';
import { SluiceClientError } from '../sluice-client-error.js';
import { StreamReader } from './stream-reader.js';

/**
 * What a watch needs.
 *
 * @example
 * ```ts
 * watchJobs({ connection, jobIds: [id], retry: DEFAULT_RETRY_OPTIONS, connectTimeoutMs: 5_000 } satisfies JobWatchOptions);
 * ```
 */
export interface JobWatchOptions {
  connection: JobServiceConnection;
  jobIds: readonly string[];
  retry: RetryOptions;
  connectTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Follows jobs over `WatchJobs` until every one is terminal, across dropped
 * streams: after a failure it reconnects with backoff and watches the jobs
 * that are not finished yet. The server starts every stream with the current
 * snapshots, so the watch keeps the highest version seen per job and yields
 * only newer ones — never a snapshot twice, never an older one. Errors other
 * than connection failures (`NOT_FOUND` for an unknown id, …) end the watch.
 *
 * @example
 * ```ts
 * for await (const job of watchJobs({ connection, jobIds: [id], retry, connectTimeoutMs: 5_000 })) {
 *   console.log(job.state, job.progress?.fraction);
 * }
 * ```
 */
export async function* watchJobs(options: JobWatchOptions): AsyncGenerator<Job, void, undefined> {
  const { connection, signal } = options;
  const unfinished = new Set(options.jobIds);
  const versions = new Map<string, number>();
  const backoff = new Backoff(options.retry);
  let failures = 0;
  while (unfinished.size > 0) {
    let progressed = false;
    let failure: SluiceClientError;
    try {
      await connection.ready(options.connectTimeoutMs, signal);
      const reader = new StreamReader<WatchJobsResponse>(
        connection.grpc.watchJobs({ jobIds: [...unfinished] }, connection.metadata()),
      );
      const onAbort = (): void => reader.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for (;;) {
          const event = await reader.take();
          if ('status' in event) {
            failure = streamFailure(event.status);
            break;
          }
          progressed = true;
          const job = jobFromProto(event.message.job);
          const seen = versions.get(job.jobId);
          if (!unfinished.has(job.jobId) || (seen !== undefined && job.version <= seen)) continue;
          versions.set(job.jobId, job.version);
          if (isTerminalState(job.state)) unfinished.delete(job.jobId);
          yield job;
          if (unfinished.size === 0) return;
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        reader.cancel();
      }
    } catch (error) {
      signal?.throwIfAborted();
      failure = SluiceClientError.from(error);
    }
    signal?.throwIfAborted();
    if (!isRetryableFailure(failure)) throw failure;
    if (progressed) {
      failures = 0;
      backoff.reset();
    }
    failures += 1;
    if (failures >= options.retry.maxAttempts) throw failure;
    // The timer rejects with an AbortError: the caller gets the signal's own reason instead.
    await delay(backoff.next(), undefined, { signal }).catch(() => signal?.throwIfAborted());
  }
}

/** A finished watch call that still had unfinished jobs. */
function streamFailure(status: StatusObject): SluiceClientError {
  if (status.code !== Status.OK) return SluiceClientError.fromStatus(status);
  // The contract ends a watch only after every job is terminal; treat an
  // early end like a dropped stream and resume.
  return new SluiceClientError({
    code: Status.UNAVAILABLE,
    details: 'the server ended the watch before every job was terminal',
  });
}
