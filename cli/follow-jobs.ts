import { isTerminalState, type Job, type SluiceClient } from '@sluice/client';

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
  const worker = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
      for await (const job of client.watch(chunk, { signal: controller.signal })) {
        onSnapshot(job);
        if (isTerminalState(job.state)) finished.set(job.jobId, job);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_WATCHES, chunks.length) }, worker));
  } finally {
    // One failed watch ends the others too.
    controller.abort();
  }
  return finished;
}
