import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { SluiceError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import { ErrorInfo, ResourceInfo } from '../../proto/gen/ts/google/rpc/error_details.js';
import type { Error as ItemError } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { JobMayExistError } from '../errors/job-may-exist-error.js';
import { RateLimitedError } from '../limits/rate-limited-error.js';
import { RETRY_AFTER_METADATA_KEY, retryInfoStatus } from './retry-info.js';
import { packDetail, STATUS_DETAILS_METADATA_KEY, statusDetails } from './status-details.js';

/** The trailing-metadata key naming the request field at fault. */
export const FIELD_METADATA_KEY = 'sluice-field';
/** The trailing-metadata key with the id of a job that may exist although its submit failed. */
export const JOB_ID_METADATA_KEY = 'sluice-job-id';
/** `google.rpc.ErrorInfo.reason` of a failed submit whose job may exist. */
export const JOB_MAY_EXIST_REASON = 'JOB_MAY_EXIST';
/** `google.rpc.ErrorInfo.domain` of Sluice's reasons. */
export const ERROR_DOMAIN = 'sluice';
/** `google.rpc.ResourceInfo.resource_type` of a job. */
export const JOB_RESOURCE_TYPE = 'sluice.v1.Job';
/** What `ResourceInfo.description` tells the caller about a job that may exist. */
const JOB_MAY_EXIST_DESCRIPTION =
  'may exist and run; follow it with GetJob, do not resubmit it without an idempotency key';
/** What a client sees of an error nobody planned for (details go to the log only). */
const INTERNAL_MESSAGE = 'internal error';
/** A UTF-16 surrogate without its partner: grpc-js cannot percent-encode it into grpc-message. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** What an ASCII metadata value may not contain. */
const NOT_PRINTABLE_ASCII = /[^ -~]/g;
const HEX = 16;
const ESCAPE_DIGITS = 4;

/** The message as a client can be sent it: well-formed text (a request's text cut mid-pair is not). */
function wellFormed(message: string): string {
  return message.replace(LONE_SURROGATE, '\ufffd');
}

/** The field as an ASCII metadata value: anything else `\uXXXX`-escaped. */
function asciiField(field: string): string {
  return field.replace(
    NOT_PRINTABLE_ASCII,
    (char) => `\\u${char.charCodeAt(0).toString(HEX).padStart(ESCAPE_DIGITS, '0')}`,
  );
}

/** A failure as the front reports it: the code, a message naming the field, and the field. */
export interface FailureReport {
  code: status;
  message: string;
  field: string | undefined;
  /** When a retry will be accepted (a rate limit), in ms. */
  retryAfterMs?: number;
  /** The job that may exist although the submit failed (`JobMayExistError`). */
  jobId?: string;
}

/**
 * The one place domain errors become gRPC statuses. A `SluiceError` keeps
 * its status and message (prefixed with its field when the message does not
 * name it; made well-formed, as a request's text cut short may not be, and
 * grpc-js cannot send a lone surrogate); anything else — a bug — is INTERNAL
 * with a generic message, and its details are logged. Dependency trouble
 * (UNAVAILABLE, and UNKNOWN for a job that may exist) is logged with its cause.
 *
 * @example
 * ```ts
 * const report = reportFailure(error, log);
 * ```
 */
export function reportFailure(error: unknown, logger: Logger): FailureReport {
  if (!(error instanceof SluiceError)) {
    logger.error({ err: error }, 'unexpected error');
    return { code: status.INTERNAL, message: INTERNAL_MESSAGE, field: undefined };
  }
  if (error.status === 'UNAVAILABLE' || error.status === 'INTERNAL' || error.status === 'UNKNOWN') {
    logger.warn({ err: error, cause: error.cause }, 'call failed');
  }
  const field = error.field === undefined ? undefined : asciiField(error.field);
  const message = wellFormed(
    field === undefined || error.message.includes(field)
      ? error.message
      : `${field}: ${error.message}`,
  );
  const report: FailureReport = { code: status[error.status], message, field };
  if (error instanceof RateLimitedError) report.retryAfterMs = error.retryAfterMs;
  if (error instanceof JobMayExistError) report.jobId = error.jobId;
  return report;
}

/** The `grpc-status-details-bin` of a failed submit whose job may exist: ErrorInfo and ResourceInfo. */
function jobMayExistStatus(code: status, message: string, jobId: string): Uint8Array {
  return statusDetails(code, message, [
    packDetail('google.rpc.ErrorInfo', ErrorInfo, {
      reason: JOB_MAY_EXIST_REASON,
      domain: ERROR_DOMAIN,
      metadata: { job_id: jobId },
    }),
    packDetail('google.rpc.ResourceInfo', ResourceInfo, {
      resourceType: JOB_RESOURCE_TYPE,
      resourceName: jobId,
      owner: '',
      description: JOB_MAY_EXIST_DESCRIPTION,
    }),
  ]);
}

/**
 * The status a unary call or a stream ends with for `error`, the field in
 * the `sluice-field` trailer; for a rate limit, the retry hint in the
 * `retry-after-ms` trailer and as google.rpc.RetryInfo in
 * `grpc-status-details-bin`; for a submit whose job may exist (UNKNOWN), its
 * id in the `sluice-job-id` trailer and as google.rpc.ErrorInfo
 * (`JOB_MAY_EXIST`, metadata `job_id`) and google.rpc.ResourceInfo
 * (`sluice.v1.Job`) in `grpc-status-details-bin`.
 *
 * @example
 * ```ts
 * callback(statusFromError(error, log));
 * call.emit('error', statusFromError(error, log));
 * ```
 */
export function statusFromError(error: unknown, logger: Logger): StatusObject {
  const report = reportFailure(error, logger);
  const metadata = new Metadata();
  if (report.field !== undefined) metadata.set(FIELD_METADATA_KEY, report.field);
  if (report.retryAfterMs !== undefined) {
    metadata.set(RETRY_AFTER_METADATA_KEY, String(report.retryAfterMs));
    metadata.set(
      STATUS_DETAILS_METADATA_KEY,
      Buffer.from(retryInfoStatus(report.code, report.message, report.retryAfterMs)),
    );
  }
  if (report.jobId !== undefined) {
    metadata.set(JOB_ID_METADATA_KEY, report.jobId);
    metadata.set(
      STATUS_DETAILS_METADATA_KEY,
      Buffer.from(jobMayExistStatus(report.code, report.message, report.jobId)),
    );
  }
  return { code: report.code, details: report.message, metadata };
}

/**
 * The `sluice.v1.Error` of one failed SubmitJobs item (with `job_id` when
 * its job may exist).
 *
 * @example
 * ```ts
 * call.write({ ref, error: itemErrorFromError(error, log) });
 * ```
 */
export function itemErrorFromError(error: unknown, logger: Logger): ItemError {
  const report = reportFailure(error, logger);
  return {
    code: report.code,
    message: report.message,
    field: report.field ?? '',
    jobId: report.jobId ?? '',
  };
}
