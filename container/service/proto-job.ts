import type { JobRecord, JobState, JobTransition } from '../../core/jobs/job.js';
import {
  JobState as ProtoJobState,
  type Job,
  type JobTransition as ProtoJobTransition,
} from '../../proto/gen/ts/sluice/v1/job_service.js';

const PROTO_STATES: Readonly<Record<JobState, ProtoJobState>> = {
  QUEUED: ProtoJobState.JOB_STATE_QUEUED,
  RUNNING: ProtoJobState.JOB_STATE_RUNNING,
  SUCCEEDED: ProtoJobState.JOB_STATE_SUCCEEDED,
  FAILED: ProtoJobState.JOB_STATE_FAILED,
  DEAD_LETTERED: ProtoJobState.JOB_STATE_DEAD_LETTERED,
  CANCELLED: ProtoJobState.JOB_STATE_CANCELLED,
};

function optionalDate(epochMs: number | undefined): Date | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs);
}

function asBuffer(bytes: Uint8Array | undefined): Buffer {
  if (bytes === undefined) return Buffer.alloc(0);
  // A view, not a copy: results can be large.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The API's transitions: each with the attempt it belongs to (RUNNING entries so far). */
function toProtoTransitions(
  transitions: readonly JobTransition[] | undefined,
): ProtoJobTransition[] {
  let attempt = 0;
  return (transitions ?? []).map((transition) => {
    if (transition.state === 'RUNNING') attempt += 1;
    return {
      state: PROTO_STATES[transition.state] ?? ProtoJobState.JOB_STATE_UNSPECIFIED,
      at: new Date(transition.at),
      attempt,
    };
  });
}

/**
 * The API's view of a job record (`sluice.v1.Job`): states as the enum,
 * times as timestamps, the latest error and progress, the version, the
 * retry links and the timeline of transitions.
 *
 * @example
 * ```ts
 * callback(null, { job: toProtoJob(record) });
 * ```
 */
export function toProtoJob(record: JobRecord): Job {
  return {
    jobId: record.jobId,
    channel: record.channel,
    type: record.type,
    state: PROTO_STATES[record.state] ?? ProtoJobState.JOB_STATE_UNSPECIFIED,
    attempts: record.attempts,
    groupKey: record.groupKey,
    idempotencyKey: record.idempotencyKey,
    attributes: { ...record.attributes },
    result: asBuffer(record.result),
    resultContentType: record.resultContentType ?? '',
    error:
      record.error === undefined
        ? undefined
        : {
            code: record.error.code,
            message: record.error.message,
            field: record.error.field ?? '',
            jobId: '',
          },
    progress:
      record.progress === undefined
        ? undefined
        : { fraction: record.progress.fraction, message: record.progress.message },
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    startedAt: optionalDate(record.startedAt),
    finishedAt: optionalDate(record.finishedAt),
    version: record.version,
    retryOf: record.retryOf ?? '',
    retriedAs: record.retriedAs ?? '',
    transitions: toProtoTransitions(record.transitions),
    traceId: record.traceId ?? '',
  };
}

/**
 * The job state an API enum value names, or `undefined` for
 * `JOB_STATE_UNSPECIFIED` and values this server does not know.
 *
 * @example
 * ```ts
 * jobStateFromProto(ProtoJobState.JOB_STATE_FAILED) === 'FAILED';
 * ```
 */
export function jobStateFromProto(value: number): JobState | undefined {
  const entry = Object.entries(PROTO_STATES).find(([, proto]) => (proto as number) === value);
  return entry === undefined ? undefined : (entry[0] as JobState);
}
