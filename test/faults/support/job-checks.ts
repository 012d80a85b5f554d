import type { JobRecord } from '../../../core/jobs/job.js';
import { isTerminal } from '../../../core/jobs/state-machine.js';

/** One processor run of a job, wherever it was recorded (epoch or monotonic ms, one clock per check). */
export interface RunSpan {
  jobId: string;
  startedAt: number;
  /** Unset for a run its process did not live to finish. */
  finishedAt?: number;
}

/**
 * How many of a record's transitions are terminal: exactly one for a job
 * whose outcome was recorded once.
 *
 * @example
 * ```ts
 * expect(terminalTransitions(record)).toBe(1);
 * ```
 */
export function terminalTransitions(record: JobRecord): number {
  return record.transitions.filter((transition) => isTerminal(transition.state)).length;
}

/**
 * What breaks contract line 3 for the groups given in submit order: a job
 * whose first run started before an earlier job of its group first started,
 * or before that job's last run finished (overlap). Returns one line per
 * violation (empty: the order held).
 *
 * @example
 * ```ts
 * expect(groupOrderViolations(new Map([['g0', ids]]), runs)).toEqual([]);
 * ```
 */
export function groupOrderViolations(
  submitOrder: ReadonlyMap<string, readonly string[]>,
  runs: readonly RunSpan[],
): string[] {
  const runsByJob = new Map<string, RunSpan[]>();
  for (const run of runs) {
    const list = runsByJob.get(run.jobId) ?? [];
    list.push(run);
    runsByJob.set(run.jobId, list);
  }
  const violations: string[] = [];
  for (const [group, jobIds] of submitOrder) {
    let previous: { jobId: string; lastFinishedAt: number } | undefined;
    for (const jobId of jobIds) {
      const spans = (runsByJob.get(jobId) ?? []).toSorted((a, b) => a.startedAt - b.startedAt);
      const first = spans[0];
      const last = spans.at(-1);
      if (first === undefined || last?.finishedAt === undefined) {
        violations.push(`${group}: ${jobId} never finished a run`);
        previous = undefined;
        continue;
      }
      if (previous !== undefined && first.startedAt < previous.lastFinishedAt) {
        violations.push(
          `${group}: ${jobId} started ${(previous.lastFinishedAt - first.startedAt).toFixed(1)} ms ` +
            `before ${previous.jobId}, submitted earlier, finished`,
        );
      }
      previous = { jobId, lastFinishedAt: last.finishedAt };
    }
  }
  return violations;
}
