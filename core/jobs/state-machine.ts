import type { JobState } from './job.js';

/** States a job never leaves. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  'SUCCEEDED',
  'FAILED',
  'DEAD_LETTERED',
  'CANCELLED',
]);

const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  // RUNNING → RUNNING is a redelivered message taking over a crashed attempt.
  QUEUED: ['RUNNING', 'CANCELLED', 'DEAD_LETTERED'],
  RUNNING: ['RUNNING', 'QUEUED', 'SUCCEEDED', 'FAILED', 'DEAD_LETTERED'],
  SUCCEEDED: [],
  FAILED: [],
  DEAD_LETTERED: [],
  CANCELLED: [],
};

/**
 * Whether a job may never change again.
 *
 * @example
 * ```ts
 * if (isTerminal(job.state)) stream.end();
 * ```
 */
export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Whether `from → to` is an edge of the state machine. */
function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states from which a job may move to `to`: what a conditional write checks. */
export function statesLeadingTo(to: JobState): JobState[] {
  return (Object.keys(TRANSITIONS) as JobState[]).filter((from) => canTransition(from, to));
}

/** The states RetryJob accepts: the job ended without a result. */
export const RETRYABLE_STATES: readonly JobState[] = Object.freeze([
  'FAILED',
  'DEAD_LETTERED',
  'CANCELLED',
]);
