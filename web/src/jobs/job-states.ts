import { JobState } from '../../../proto/gen/es/sluice/v1/job_service_pb.js';

/** Every state a job can be in, in lifecycle order (as filters and counts list them). */
export const JOB_STATES: readonly JobState[] = [
  JobState.QUEUED,
  JobState.RUNNING,
  JobState.SUCCEEDED,
  JobState.FAILED,
  JobState.DEAD_LETTERED,
  JobState.CANCELLED,
];

const TERMINAL = new Set([
  JobState.SUCCEEDED,
  JobState.FAILED,
  JobState.DEAD_LETTERED,
  JobState.CANCELLED,
]);
const RETRYABLE = new Set([JobState.FAILED, JobState.DEAD_LETTERED, JobState.CANCELLED]);

/**
 * Whether a job in this state will never change again (nothing to watch).
 *
 * @example
 * ```ts
 * isTerminalState(JobState.RUNNING); // false
 * ```
 */
export function isTerminalState(state: JobState): boolean {
  return TERMINAL.has(state);
}

/**
 * Whether RetryJob accepts a job in this state (FAILED, DEAD_LETTERED, CANCELLED).
 *
 * @example
 * ```ts
 * if (isRetryableState(job.state)) showRetryButton();
 * ```
 */
export function isRetryableState(state: JobState): boolean {
  return RETRYABLE.has(state);
}

/**
 * The state's name as the API and the URL spell it (`DEAD_LETTERED`).
 *
 * @example
 * ```ts
 * stateName(JobState.FAILED); // 'FAILED'
 * ```
 */
export function stateName(state: JobState): string {
  return JobState[state] ?? String(state);
}

/**
 * The state named so (`FAILED`, any case), or undefined.
 *
 * @example
 * ```ts
 * parseStateName('failed'); // JobState.FAILED
 * ```
 */
export function parseStateName(name: string): JobState | undefined {
  return JOB_STATES.find((state) => JobState[state] === name.toUpperCase());
}
