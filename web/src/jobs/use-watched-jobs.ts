import { Code, ConnectError } from '@connectrpc/connect';
import { useEffect, useState } from 'preact/hooks';
import type { Job } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';
import type { JobClient } from '../api/job-client.js';

/** First wait before reopening a watch the network broke; doubles up to the ceiling. */
const RECONNECT_INITIAL_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** Failures a reconnect cannot cure: the page shows them instead. */
const FINAL_CODES = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.InvalidArgument,
  Code.NotFound,
]);

const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows jobs over ONE WatchJobs stream and returns the newest snapshot of
 * each (by version; a heartbeat repeats a snapshot and changes nothing).
 * The stream ends by itself once every job is terminal; a broken one is
 * reopened with backoff. No polling per row: a page of 50 live jobs is one
 * stream, and the front's watch hub reads them in one BatchGetItem.
 *
 * @example
 * ```ts
 * const live = useWatchedJobs(client, jobs.filter((job) => !isTerminalState(job.state)).map((job) => job.jobId));
 * const shown = jobs.map((job) => newerJob(job, live.get(job.jobId)));
 * ```
 */
export function useWatchedJobs(
  client: JobClient,
  jobIds: readonly string[],
): ReadonlyMap<string, Job> {
  const [snapshots, setSnapshots] = useState<ReadonlyMap<string, Job>>(new Map());
  const key = [...jobIds].sort().join(',');
  useEffect(() => {
    if (key === '') return undefined;
    const ids = key.split(',');
    const abort = new AbortController();
    const follow = async (): Promise<void> => {
      let backoff = RECONNECT_INITIAL_MS;
      while (!abort.signal.aborted) {
        try {
          for await (const { job } of client.watchJobs({ jobIds: ids }, { signal: abort.signal })) {
            backoff = RECONNECT_INITIAL_MS;
            if (job !== undefined) setSnapshots((previous) => withSnapshot(previous, job));
          }
          return; // every watched job is terminal
        } catch (error) {
          if (abort.signal.aborted) return;
          if (error instanceof ConnectError && FINAL_CODES.has(error.code)) return;
          await wait(backoff, abort.signal);
          backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
        }
      }
    };
    void follow();
    return () => abort.abort();
  }, [client, key]);
  return snapshots;
}

function withSnapshot(previous: ReadonlyMap<string, Job>, job: Job): ReadonlyMap<string, Job> {
  const known = previous.get(job.jobId);
  if (known !== undefined && known.version >= job.version) return previous;
  const next = new Map(previous);
  next.set(job.jobId, job);
  return next;
}

/**
 * The newer of two snapshots of a job (by version): a listed row and what
 * its watch has seen since.
 *
 * @example
 * ```ts
 * newerJob(listed, live.get(listed.jobId));
 * ```
 */
export function newerJob(listed: Job, watched: Job | undefined): Job {
  return watched !== undefined && watched.version > listed.version ? watched : listed;
}
