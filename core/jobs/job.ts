/** Every state a job can be in. */
export const JOB_STATES = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'DEAD_LETTERED',
  'CANCELLED',
] as const;

/** Where a job is in its life (see DESIGN.md, "Job state machine"). */
export type JobState = (typeof JOB_STATES)[number];

/** An error recorded on a job. `code` is a google.rpc.Code value. */
export interface JobError {
  code: number;
  message: string;
  field?: string;
}

/**
 * What logs may say about a job's error: its code, field and size. The
 * message can carry the tenant's data (a processor's text often quotes its
 * input), so it stays in the record, which only the tenant can read.
 *
 * @example
 * ```ts
 * logger.warn({ error: jobErrorLogFields(record.error) }, 'job failed permanently');
 * ```
 */
export function jobErrorLogFields(error: JobError): {
  code: number;
  field?: string;
  messageLength: number;
} {
  return { code: error.code, field: error.field, messageLength: error.message.length };
}

/** What a running processor last reported about itself. */
export interface JobProgress {
  /** From 0 to 1. */
  fraction: number;
  message: string;
}

/** Who owns a job and which one it is: the record's key. */
export interface JobKey {
  tenant: string;
  jobId: string;
}

/**
 * One state change of a job. Records keep their transitions so a watcher that
 * polls can replay every one it did not see (a job may pass RUNNING between
 * two polls).
 */
export interface JobTransition {
  state: JobState;
  /** The record's version right after this transition. */
  version: number;
  /** Epoch milliseconds. */
  at: number;
}

/** The stored record of one job. Times are epoch milliseconds. */
export interface JobRecord extends JobKey {
  channel: string;
  type: string;
  state: JobState;
  /** Grows by one with every write; every write is conditional on it. */
  version: number;
  /** How many times a processor started on this job. */
  attempts: number;
  groupKey: string;
  idempotencyKey: string;
  attributes: Record<string, string>;
  contentType: string;
  /** The queue's sequence number for the job's message, when known. */
  sequenceNumber: string;
  /** A random token of the submit that created the message (tells duplicates apart). */
  submitToken: string;
  /** The trace the job was submitted in (32 hex digits), when the submit was traced. */
  traceId?: string;
  result?: Uint8Array;
  resultContentType?: string;
  error?: JobError;
  progress?: JobProgress;
  /** Every state change so far, oldest first (progress writes are not transitions). */
  transitions: JobTransition[];
  /**
   * The payload, kept only once the job FAILED, was DEAD_LETTERED or
   * CANCELLED (written by the write that records that, or when the cancelled
   * job's message leaves the queue), so RetryJob can run it again while jobs
   * that succeed never carry it.
   */
  payload?: Uint8Array;
  /** The job this one retries (RetryJob). */
  retryOf?: string;
  /** The job RetryJob created to retry this one. */
  retriedAs?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}
