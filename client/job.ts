import { status as Status } from '@grpc/grpc-js';
import {
  JobState as ProtoJobState,
  type Job as ProtoJob,
} from '../proto/gen/ts/sluice/v1/job_service.js';
import { JOB_STATES, type JobState as CoreJobState } from '../core/jobs/job.js';
import { TERMINAL_STATES } from '../core/jobs/state-machine.js';
import { JobResult } from './job-result.js';
import { SluiceClientError, statusName, type StatusName } from './sluice-client-error.js';

/**
 * Where a job is in its life (see DESIGN.md, "Job state machine").
 *
 * @example
 * ```ts
 * if (job.state === 'DEAD_LETTERED') alert(job.error?.message);
 * ```
 */
export type JobState = CoreJobState;

/**
 * The states a job never leaves.
 *
 * @example
 * ```ts
 * const finished = jobs.filter((job) => TERMINAL_JOB_STATES.has(job.state));
 * ```
 */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = TERMINAL_STATES;

/** The wire enum's name for each state is `JOB_STATE_<state>`. */
const STATE_FROM_PROTO: ReadonlyMap<ProtoJobState, JobState> = new Map(
  JOB_STATES.map((state) => [ProtoJobState[`JOB_STATE_${state}`], state]),
);

/**
 * An error recorded on a job (why it failed, or its last transient failure).
 *
 * @example
 * ```ts
 * if (job.error) console.error(`${job.error.codeName}: ${job.error.message}`);
 * ```
 */
export interface JobError {
  /** A google.rpc.Code value. */
  code: number;
  /** The code's name, for example `'INVALID_ARGUMENT'`. */
  codeName: StatusName;
  message: string;
  /** The field at fault, when one is named. */
  field?: string;
}

/**
 * What a running processor last reported about itself.
 *
 * @example
 * ```ts
 * if (job.progress) console.log(`${Math.round(job.progress.fraction * 100)}% ${job.progress.message}`);
 * ```
 */
export interface JobProgress {
  /** From 0 to 1. */
  fraction: number;
  message: string;
}

/**
 * A snapshot of one job, as `get`, `cancel` and `watch` return it.
 *
 * @example
 * ```ts
 * const job: Job = await client.get(jobId);
 * console.log(job.state, job.attempts, job.result?.json());
 * ```
 */
export interface Job {
  jobId: string;
  channel: string;
  type: string;
  state: JobState;
  /** How many times a processor started on this job. */
  attempts: number;
  /** The group key given at submit, if any. */
  groupKey?: string;
  /** The idempotency key given at submit, if any. */
  idempotencyKey?: string;
  attributes: Record<string, string>;
  /** The processor's output, once SUCCEEDED. */
  result?: JobResult;
  /** The last error: set when FAILED or DEAD_LETTERED, and after a transient failure. */
  error?: JobError;
  progress?: JobProgress;
  createdAt?: Date;
  updatedAt?: Date;
  /** When the latest attempt started. */
  startedAt?: Date;
  /** When the job reached a terminal state. */
  finishedAt?: Date;
  /** Grows by one with every change of the record: orders snapshots of one job. */
  version: number;
  /** The job this one retries (`retry`), if any. */
  retryOf?: string;
  /** The job `retry` created to run this one again, if any. */
  retriedAs?: string;
  /** Every state change so far, oldest first: a timeline (always set on jobs from the server). */
  transitions?: JobTransition[];
}

/**
 * One state change of a job.
 *
 * @example
 * ```ts
 * for (const t of job.transitions) console.log(t.at.toISOString(), t.state, t.attempt);
 * ```
 */
export interface JobTransition {
  state: JobState;
  at: Date;
  /** Processor starts so far (0 while never run). */
  attempt: number;
}

/**
 * The wire value of a state.
 *
 * @example
 * ```ts
 * client.listPage({ states: ['FAILED'] }); // sends stateToProto('FAILED')
 * ```
 */
export function stateToProto(state: JobState): ProtoJobState {
  return ProtoJobState[`JOB_STATE_${state}`];
}

/**
 * Whether a job in this state can never change again.
 *
 * @example
 * ```ts
 * if (isTerminalState(job.state)) console.log('done:', job.state);
 * ```
 */
export function isTerminalState(state: JobState): boolean {
  return TERMINAL_JOB_STATES.has(state);
}

/**
 * Converts the wire `Job` into the client's `Job`: enum to name, empty strings
 * to `undefined`, bytes to a `JobResult`. A job without a state breaks the
 * API's contract and is reported as `INTERNAL`.
 *
 * @example
 * ```ts
 * const job = jobFromProto(response.job);
 * ```
 */
export function jobFromProto(job: ProtoJob | undefined): Job {
  if (job === undefined) {
    throw new SluiceClientError({ code: Status.INTERNAL, details: 'the server sent no job' });
  }
  const state = STATE_FROM_PROTO.get(job.state);
  if (state === undefined) {
    throw new SluiceClientError({
      code: Status.INTERNAL,
      details: `the server sent job ${job.jobId} without a known state (${job.state})`,
    });
  }
  return {
    jobId: job.jobId,
    channel: job.channel,
    type: job.type,
    state,
    attempts: job.attempts,
    groupKey: nonEmpty(job.groupKey),
    idempotencyKey: nonEmpty(job.idempotencyKey),
    attributes: { ...job.attributes },
    result:
      state === 'SUCCEEDED' || job.result.length > 0
        ? new JobResult(new Uint8Array(job.result), job.resultContentType)
        : undefined,
    error:
      job.error === undefined
        ? undefined
        : {
            code: job.error.code,
            codeName: statusName(job.error.code),
            message: job.error.message,
            field: nonEmpty(job.error.field),
          },
    progress: job.progress === undefined ? undefined : { ...job.progress },
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    version: job.version,
    retryOf: nonEmpty(job.retryOf),
    retriedAs: nonEmpty(job.retriedAs),
    transitions: job.transitions.flatMap((t) => {
      const known = STATE_FROM_PROTO.get(t.state);
      return known === undefined || t.at === undefined
        ? []
        : [{ state: known, at: t.at, attempt: t.attempt }];
    }),
  };
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}
