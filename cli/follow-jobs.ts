import { isTerminalState, type Job, type SluiceClient } from '@sluice/client';
import { forEachInFlight } from './for-each-in-flight.js';

/** Job ids per watch stream. */
const JOBS_PER_WATCH = 100;
/** Watch streams open at once. */
const CONCURRENT_WATCHES = 8;

/**
 * Watches any number of jobs to their terminal states, a hundred per stream
 * and a few streams at a time, reporting every snapshot; resolves with the
 * terminal snapshot of each job.
 *
 * @example
 * ```ts
 * const finished = await followJobs(client, jobIds, (job) => bar.update(...));
 * ```
 */
export async function followJobs(
  client: SluiceClient,
  jobIds: readonly string[],
  onSnapshot: (job: Job) => void,
): Promise<Map<string, Job>> {
  const chunks: string[][] = [];
  for (let start = 0; start < jobIds.length; start += JOBS_PER_WATCH) {
    chunks.push(jobIds.slice(start, start + JOBS_PER_WATCH));
  }
  const finished = new Map<string, Job>();
  const controller = new AbortController();
  try {
    await forEachInFlight(chunks, CONCURRENT_WATCHES, async (chunk) => {
      for await (const job of client.watch(chunk, { signal: controller.signal })) {
        onSnapshot(job);
        if (isTerminalState(job.state)) finished.set(job.jobId, job);
      }
    });
  } finally {
    // One failed watch ends the others too.
    controller.abort();
  }
  return finished;
}
