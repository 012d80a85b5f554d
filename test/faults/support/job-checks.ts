import type { JobRecord } from '../../../core/jobs/job.js';
import { isTerminal } from '../../../core/jobs/state-machine.js';
import type { DrainedMessage } from '../../support/queue-drain.js';

/** One processor run of a job, wherever it was recorded (epoch or monotonic ms, one clock per check). */
export interface RunSpan {
  jobId: string;
  startedAt: number;
  /** Unset for a run its process did not live to finish. */
  finishedAt?: number;
}

/**
 * Runs by job id, each job's in the order given.
 *
 * @example
 * ```ts
 * const reruns = [...groupByJob(spans)].filter(([, runs]) => runs.length > 1);
 * ```
 */
export function groupByJob<T extends RunSpan>(runs: readonly T[]): Map<string, T[]> {
  const byJob = new Map<string, T[]>();
  for (const run of runs) {
    const list = byJob.get(run.jobId);
    if (list === undefined) byJob.set(run.jobId, [run]);
    else list.push(run);
  }
  return byJob;
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
export function terminalTransitions(record: JobRecord | undefined): number {
  if (record === undefined) return 0;
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
  const runsByJob = groupByJob(runs);
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

/** How the messages found in a queue match the jobs that were acknowledged. */
export interface QueueAudit {
  /** Acknowledged jobs without a message: lost. */
  missing: string[];
  /** Jobs with more than one message: enqueued twice. */
  doubled: string[];
  /** Messages of jobs that were never acknowledged (allowed: the ack may have been lost). */
  unacknowledged: number;
}

/**
 * Matches drained messages against acknowledged job ids: contract line 1
 * says every acknowledged job has its message, and deduplication says no
 * more than one.
 *
 * @example
 * ```ts
 * const audit = auditQueue(ackedIds, await drainQueue(sqs, queueUrl));
 * expect(audit.missing).toEqual([]);
 * ```
 */
export function auditQueue(
  ackedIds: Iterable<string>,
  drained: readonly DrainedMessage[],
): QueueAudit {
  const messages = new Map<string, number>();
  for (const { envelope } of drained) {
    messages.set(envelope.jobId, (messages.get(envelope.jobId) ?? 0) + 1);
  }
  const acked = new Set(ackedIds);
  return {
    missing: [...acked].filter((id) => !messages.has(id)),
    doubled: [...messages].filter(([, count]) => count > 1).map(([id]) => id),
    unacknowledged: [...messages.keys()].filter((id) => !acked.has(id)).length,
  };
}

/**
 * What breaks a group's queue order: within each group (job ids in submit
 * order) the messages' sequence numbers must increase, or the consumers
 * would run the group out of order. A job without a message is skipped
 * (`auditQueue` reports it).
 *
 * @example
 * ```ts
 * expect(queueOrderViolations(submitOrder, drained)).toEqual([]);
 * ```
 */
export function queueOrderViolations(
  submitOrder: ReadonlyMap<string, readonly string[]>,
  drained: readonly DrainedMessage[],
): string[] {
  const sequenceOf = new Map(drained.map((m) => [m.envelope.jobId, BigInt(m.sequenceNumber)]));
  const violations: string[] = [];
  for (const [group, jobIds] of submitOrder) {
    let previous: { jobId: string; sequence: bigint } | undefined;
    for (const jobId of jobIds) {
      const sequence = sequenceOf.get(jobId);
      if (sequence === undefined) continue;
      if (previous !== undefined && sequence <= previous.sequence) {
        violations.push(`${group}: ${jobId} is queued before ${previous.jobId}, submitted earlier`);
      }
      previous = { jobId, sequence };
    }
  }
  return violations;
}
