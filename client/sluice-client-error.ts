import { Metadata, status as Status, type ServiceError, type StatusObject } from '@grpc/grpc-js';

/**
 * The trailing-metadata key in which the front names the request field at fault.
 *
 * @example
 * ```ts
 * const field = status.metadata.get(FIELD_METADATA_KEY)[0];
 * ```
 */
export const FIELD_METADATA_KEY = 'sluice-field';

/**
 * The trailing-metadata key in which the front names a job that may exist
 * although its submit failed (status `UNKNOWN`: the message was enqueued).
 *
 * @example
 * ```ts
 * const jobId = status.metadata.get(JOB_ID_METADATA_KEY)[0];
 * ```
 */
export const JOB_ID_METADATA_KEY = 'sluice-job-id';

/** A trailer's first value as a string; `undefined` when absent or empty. */
function trailer(metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return value === undefined || value === '' ? undefined : String(value);
}

/** The google.rpc.Code names, indexed by their numeric value. */
const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/**
 * A google.rpc.Code name such as `'NOT_FOUND'` — what callers usually branch on.
 *
 * @example
 * ```ts
 * const retryable: StatusName[] = ['UNAVAILABLE'];
 * ```
 */
export type StatusName = (typeof STATUS_NAMES)[number];

/**
 * The name of a google.rpc.Code value (`5` → `'NOT_FOUND'`); `'UNKNOWN'` for a
 * value outside the enum.
 *
 * @example
 * ```ts
 * statusName(14); // 'UNAVAILABLE'
 * ```
 */
export function statusName(code: number): StatusName {
  return STATUS_NAMES[code] ?? 'UNKNOWN';
}

/**
 * What a `SluiceClientError` is built from.
 *
 * @example
 * ```ts
 * throw new SluiceClientError({ code: 3, details: 'bad input', field: 'job.payload' } satisfies SluiceClientErrorInit);
 * ```
 */
export interface SluiceClientErrorInit {
  /** The google.rpc.Code value. */
  code: number;
  /** The server's (or the client's) description. */
  details: string;
  /** The request field at fault, when one is named. */
  field?: string;
  /** The job that may exist although the submit failed, when the server names one. */
  jobId?: string;
  /** The call's trailing metadata, when the error came from the server. */
  metadata?: Metadata;
  cause?: unknown;
}

/**
 * Every failure the Sluice client reports: a call's gRPC status, a rejected
 * item of a bulk submit, or a client-side failure expressed in the same
 * vocabulary (a connect timeout is `DEADLINE_EXCEEDED`). One type, so callers
 * branch on `codeName` and show `field` without caring where it came from.
 *
 * @example
 * ```ts
 * try {
 *   await client.get('01J0000000000000000000000');
 * } catch (error) {
 *   if (error instanceof SluiceClientError && error.codeName === 'NOT_FOUND') console.log('no such job');
 *   else throw error;
 * }
 * ```
 */
export class SluiceClientError extends Error {
  /** The google.rpc.Code value (compare with grpc-js's `status` enum or use `codeName`). */
  readonly code: number;
  /** The code's name, for example `'INVALID_ARGUMENT'`. */
  readonly codeName: StatusName;
  /** The description, without the code prefix grpc-js puts into `message`. */
  readonly details: string;
  /** The request field at fault (from the `sluice-field` trailer or the item's error). */
  readonly field: string | undefined;
  /**
   * Set when the submit failed but its job may exist (`UNKNOWN`: the job was
   * enqueued and will run; from the `sluice-job-id` trailer or the item's
   * `job_id`). Follow it with `get`/`watch`; resubmitting without an
   * idempotency key would create a second job, so the client never does.
   */
  readonly jobId: string | undefined;
  /** The trailing metadata of the failed call, when there was one. */
  readonly metadata: Metadata | undefined;

  constructor(init: SluiceClientErrorInit) {
    const codeName = statusName(init.code);
    const where = init.field === undefined ? '' : ` (field ${init.field})`;
    super(
      `${codeName}: ${init.details}${where}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = new.target.name;
    this.code = init.code;
    this.codeName = codeName;
    this.details = init.details;
    this.field = init.field;
    this.jobId = init.jobId;
    this.metadata = init.metadata;
  }

  /**
   * Builds the error of a finished call from its status; the field comes from
   * the `sluice-field` trailer, the job id from `sluice-job-id`.
   *
   * @example
   * ```ts
   * call.on('status', (status) => {
   *   if (status.code !== 0) reject(SluiceClientError.fromStatus(status));
   * });
   * ```
   */
  static fromStatus(status: StatusObject | ServiceError): SluiceClientError {
    return new SluiceClientError({
      code: status.code ?? Status.UNKNOWN,
      details: status.details,
      field: trailer(status.metadata, FIELD_METADATA_KEY),
      jobId: trailer(status.metadata, JOB_ID_METADATA_KEY),
      metadata: status.metadata,
    });
  }

  /**
   * Wraps anything a call threw: a `SluiceClientError` passes through, a grpc-js
   * `ServiceError` keeps its status, anything else becomes `UNKNOWN` with the
   * original as `cause`.
   *
   * @example
   * ```ts
   * catch (error) { throw SluiceClientError.from(error); }
   * ```
   */
  static from(error: unknown): SluiceClientError {
    if (error instanceof SluiceClientError) return error;
    if (isServiceError(error)) return SluiceClientError.fromStatus(error);
    const details = error instanceof Error ? error.message : String(error);
    return new SluiceClientError({ code: Status.UNKNOWN, details, cause: error });
  }
}

/**
 * The client could not reach a ready connection within its connect timeout.
 * Nothing was sent, so retrying is always safe; it reports
 * `DEADLINE_EXCEEDED` like any other deadline.
 *
 * @example
 * ```ts
 * if (error instanceof ConnectTimeoutError) console.error(`is the front running at ${endpoint}?`);
 * ```
 */
export class ConnectTimeoutError extends SluiceClientError {
  constructor(endpoint: string, timeoutMs: number) {
    super({
      code: Status.DEADLINE_EXCEEDED,
      details: `could not connect to ${endpoint} within ${timeoutMs} ms`,
    });
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    (error as Partial<ServiceError>).metadata instanceof Metadata
  );
}
