import { SluiceError } from '../../core/errors/sluice-error.js';

/**
 * SQS refused one message for a reason retrying cannot fix (a sender fault
 * such as `InvalidParameterValue`). Only that job fails; the other entries
 * of its batch are unaffected. INTERNAL, not INVALID_ARGUMENT: validation
 * admits only messages SQS accepts, so a refusal is a fault in the server
 * (or its queue's settings), not in the caller's request.
 *
 * @example
 * ```ts
 * if (error instanceof MessageRejectedError) log.warn({ code: error.code }, 'queue refused the message');
 * ```
 */
export class MessageRejectedError extends SluiceError {
  readonly status = 'INTERNAL' as const;
  /** SQS's error code for the entry, e.g. `InvalidParameterValue`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(
      `the queue refused the job's message (${code}): ${message}; ` +
        'this is a fault in the server or its deployment, and retrying will not help',
    );
    this.code = code;
  }
}
