import type { JobRecord, JobTransition } from '../../core/jobs/job.js';
import { isTerminal } from '../../core/jobs/state-machine.js';

/**
 * The snapshots a watcher that last saw version `deliveredVersion` must get
 * for `record`: one per transition it missed between two polls (a job can
 * pass RUNNING faster than the poll interval), then the record itself. A
 * replayed snapshot carries the transition's state, version and time, the
 * attempts and start time up to it, and no result, error or progress (those
 * belong to the current record only).
 *
 * @example
 * ```ts
 * for (const snapshot of snapshotsSince(record, lastSentVersion)) send(snapshot);
 * ```
 */
export function snapshotsSince(record: JobRecord, deliveredVersion: number): JobRecord[] {
  const transitions = record.transitions ?? [];
  const missed = transitions.filter(
    (transition) => transition.version > deliveredVersion && transition.version < record.version,
  );
  return [...missed.map((transition) => replayed(record, transitions, transition)), record];
}

function replayed(
  record: JobRecord,
  transitions: readonly JobTransition[],
  transition: JobTransition,
): JobRecord {
  const upTo = transitions.filter((t) => t.version <= transition.version);
  const runs = upTo.filter((t) => t.state === 'RUNNING');
  const {
    result: _result,
    resultContentType: _resultContentType,
    error: _error,
    progress: _progress,
    startedAt: _startedAt,
    finishedAt: _finishedAt,
    ...identity
  } = record;
  return {
    ...identity,
    state: transition.state,
    version: transition.version,
    updatedAt: transition.at,
    attempts: runs.length,
    transitions: upTo,
    ...(runs.length > 0 ? { startedAt: runs[runs.length - 1]?.at } : {}),
    ...(isTerminal(transition.state) ? { finishedAt: transition.at } : {}),
  };
}
