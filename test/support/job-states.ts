import { JobState, type Job } from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The terminal states of the API enum. */
export const TERMINAL: ReadonlySet<JobState> = new Set([
  JobState.JOB_STATE_SUCCEEDED,
  JobState.JOB_STATE_FAILED,
  JobState.JOB_STATE_DEAD_LETTERED,
  JobState.JOB_STATE_CANCELLED,
]);

/** The last snapshot of each job in a watch, by id. */
export function lastSnapshots(snapshots: readonly Job[]): Map<string, Job> {
  const last = new Map<string, Job>();
  for (const job of snapshots) last.set(job.jobId, job);
  return last;
}
