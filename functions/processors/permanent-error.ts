import { SluiceError, type ErrorStatus } from '../../core/errors/index.js';

/** The status a permanent failure is recorded with unless the processor says otherwise. */
const DEFAULT_PERMANENT_STATUS: ErrorStatus = 'FAILED_PRECONDITION';

/** Options of a `PermanentError`. */
export interface PermanentErrorOptions {
  /**
   * The google.rpc status name recorded on the job. Default
   * `FAILED_PRECONDITION`: the job cannot succeed as submitted, and retrying
   * it unchanged will not help. Use `INVALID_ARGUMENT` for a bad payload.
   */
  status?: ErrorStatus;
  /** The part of the submission at fault, e.g. `payload`. */
  field?: string;
  cause?: unknown;
}

/**
 * Thrown by a processor for a failure that no retry can fix: the job becomes
 * FAILED with this message and is never run again. Any other error a
 * processor throws is transient: the job goes back to QUEUED and is retried
 * with backoff until the channel's max receive count dead-letters it.
 *
 * @example
 * ```ts
 * if (order.total < 0) throw new PermanentError('an order total cannot be negative');
 * ```
 */
export class PermanentError extends SluiceError {
  readonly status: ErrorStatus;

  constructor(message: string, options: PermanentErrorOptions = {}) {
    super(message, { field: options.field, cause: options.cause });
    this.status = options.status ?? DEFAULT_PERMANENT_STATUS;
  }
}
