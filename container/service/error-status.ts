import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { SluiceError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Error as ItemError } from '../../proto/gen/ts/sluice/v1/job_service.js';

/** The trailing-metadata key naming the request field at fault. */
export const FIELD_METADATA_KEY = 'sluice-field';
/** What a client sees of an error nobody planned for (details go to the log only). */
const INTERNAL_MESSAGE = 'internal error';

/** A failure as the front reports it: the code, a message naming the field, and the field. */
export interface FailureReport {
  code: status;
  message: string;
  field: string | undefined;
}

/**
 * The one place domain errors become gRPC statuses. A `SluiceError` keeps
 * its status and message (prefixed with its field when the message does not
 * name it); anything else is INTERNAL with a generic message, and its details
 * are logged. Dependency trouble (UNAVAILABLE) is logged with its cause.
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
  if (error.status === 'UNAVAILABLE' || error.status === 'INTERNAL') {
    logger.warn({ err: error, cause: error.cause }, 'call failed');
  }
  const field = error.field;
  const message =
    field === undefined || error.message.includes(field)
      ? error.message
      : `${field}: ${error.message}`;
  return { code: status[error.status], message, field };
}

/**
 * The status a unary call or a stream ends with for `error`, the field in
 * the `sluice-field` trailer.
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
  return { code: report.code, details: report.message, metadata };
}

/**
 * The `sluice.v1.Error` of one failed SubmitJobs item.
 *
 * @example
 * ```ts
 * call.write({ ref, error: itemErrorFromError(error, log) });
 * ```
 */
export function itemErrorFromError(error: unknown, logger: Logger): ItemError {
  const report = reportFailure(error, logger);
  return { code: report.code, message: report.message, field: report.field ?? '' };
}
