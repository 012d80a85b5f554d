/**
 * Runs `work` on every item, at most `limit` at a time, in order of the
 * items; rejects with the first failure (work already started runs on).
 * The CLI's bounded fan-out: watch streams, RetryJob calls.
 *
 * @example
 * ```ts
 * await forEachInFlight(jobs, 8, async (job) => { await client.retry(job.jobId); });
 * ```
 */
export async function forEachInFlight<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
