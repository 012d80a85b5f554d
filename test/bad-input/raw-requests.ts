import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * A protobuf string field as a test sends it: text (encoded as UTF-8) or raw
 * bytes, which may be anything — invalid UTF-8, an encoded lone surrogate —
 * since the wire format does not check.
 */
export type RawString = string | Uint8Array;

/** A `sluice.v1.SubmitJobRequest` with every string field raw; unset fields are not sent. */
export interface RawSubmitJob {
  channel?: RawString;
  type?: RawString;
  payload?: Uint8Array;
  contentType?: RawString;
  groupKey?: RawString;
  idempotencyKey?: RawString;
  /** Map entries in order (duplicates allowed: the wire allows them). */
  attributes?: [RawString, RawString][];
}

// Field numbers of proto/sluice/v1/job_service.proto (raw-requests.test.ts checks them
// against the generated encoder).
const SUBMIT_FIELDS = {
  channel: 1,
  type: 2,
  payload: 3,
  contentType: 4,
  groupKey: 5,
  idempotencyKey: 6,
  attributes: 7,
} as const;
const MAP_KEY = 1;
const MAP_VALUE = 2;
const SUBMIT_JOBS_REF = 1;
const SUBMIT_JOBS_JOB = 2;
const JOB_ID = 1;
const WATCH_JOB_IDS = 1;

function bytesOf(value: RawString): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

function writeString(writer: BinaryWriter, field: number, value: RawString | undefined): void {
  if (value !== undefined) writer.tag(field, WireType.LengthDelimited).bytes(bytesOf(value));
}

/**
 * Encodes a submit request with raw string fields.
 *
 * @example
 * ```ts
 * encodeSubmitJob({ channel: 'default', type: 'echo', idempotencyKey: new Uint8Array([0xff]) });
 * ```
 */
export function encodeSubmitJob(job: RawSubmitJob): Uint8Array {
  const writer = new BinaryWriter();
  writeString(writer, SUBMIT_FIELDS.channel, job.channel);
  writeString(writer, SUBMIT_FIELDS.type, job.type);
  if (job.payload !== undefined) {
    writer.tag(SUBMIT_FIELDS.payload, WireType.LengthDelimited).bytes(job.payload);
  }
  writeString(writer, SUBMIT_FIELDS.contentType, job.contentType);
  writeString(writer, SUBMIT_FIELDS.groupKey, job.groupKey);
  writeString(writer, SUBMIT_FIELDS.idempotencyKey, job.idempotencyKey);
  for (const [key, value] of job.attributes ?? []) {
    const entry = new BinaryWriter();
    writeString(entry, MAP_KEY, key);
    writeString(entry, MAP_VALUE, value);
    writer.tag(SUBMIT_FIELDS.attributes, WireType.LengthDelimited).bytes(entry.finish());
  }
  return writer.finish();
}

/** Encodes one `SubmitJobsRequest` (no `job` field when `job` is undefined). */
export function encodeSubmitJobsItem(ref: RawString, job: RawSubmitJob | undefined): Uint8Array {
  const writer = new BinaryWriter();
  writeString(writer, SUBMIT_JOBS_REF, ref);
  if (job !== undefined) {
    writer.tag(SUBMIT_JOBS_JOB, WireType.LengthDelimited).bytes(encodeSubmitJob(job));
  }
  return writer.finish();
}

/** Encodes a `GetJobRequest` or `CancelJobRequest` (both are `{ string job_id = 1; }`). */
export function encodeJobIdRequest(jobId: RawString): Uint8Array {
  const writer = new BinaryWriter();
  writeString(writer, JOB_ID, jobId);
  return writer.finish();
}

/** Encodes a `WatchJobsRequest`. */
export function encodeWatchJobs(jobIds: readonly RawString[]): Uint8Array {
  const writer = new BinaryWriter();
  for (const id of jobIds) writeString(writer, WATCH_JOB_IDS, id);
  return writer.finish();
}
