import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { SluiceError } from '../../core/errors/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Error as ItemError } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { RateLimitedError } from '../limits/rate-limited-error.js';
import {
  RETRY_AFTER_METADATA_KEY,
  retryInfoStatus,
  STATUS_DETAILS_METADATA_KEY,
} from './retry-info.js';

/** The trailing-metadata key naming the request field at fault. */
export const FIELD_METADATA_KEY = 'sluice-field';
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
}

/**
 * The one place domain errors become gRPC statuses. A `SluiceError` keeps
 * its status and message (prefixed with its field when the message does not
 * name it; made well-formed, as a request's text cut short may not be, and
 * grpc-js cannot send a lone surrogate); anything else is INTERNAL with a generic message, and its details
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
  const field = error.field === undefined ? undefined : asciiField(error.field);
  const message = wellFormed(
    field === undefined || error.message.includes(field)
      ? error.message
      : `${field}: ${error.message}`,
  );
  const report: FailureReport = { code: status[error.status], message, field };
  if (error instanceof RateLimitedError) report.retryAfterMs = error.retryAfterMs;
  return report;
}

/**
 * The status a unary call or a stream ends with for `error`, the field in
 * the `sluice-field` trailer and, for a rate limit, the retry hint in the
 * `retry-after-ms` trailer and as google.rpc.RetryInfo in
 * `grpc-status-details-bin`.
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
