import { TERMINAL_STATES } from '../../core/jobs/state-machine.js';
import { JobState, type Job } from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The terminal states of the API enum (the wire name of each state is `JOB_STATE_<state>`). */
export const TERMINAL: ReadonlySet<JobState> = new Set(
  [...TERMINAL_STATES].map((state) => JobState[`JOB_STATE_${state}`]),
);

/** The last snapshot of each job in a watch, by id. */
export function lastSnapshots(snapshots: readonly Job[]): Map<string, Job> {
  const last = new Map<string, Job>();
  for (const job of snapshots) last.set(job.jobId, job);
  return last;
}
