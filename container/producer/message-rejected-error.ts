import { SluiceError } from '../../core/errors/sluice-error.js';

/**
 * SQS refused one message for a reason retrying cannot fix (a sender fault
 * such as a message above the queue's size limit). Only that job fails; the
 * other entries of its batch are unaffected.
 *
 * @example
 * ```ts
 * if (error instanceof MessageRejectedError) log.warn({ code: error.code }, 'queue refused the message');
 * ```
 */
export class MessageRejectedError extends SluiceError {
  readonly status = 'INVALID_ARGUMENT' as const;
  /** SQS's error code for the entry, e.g. `InvalidParameterValue`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(`the queue refused the job's message (${code}): ${message}`);
    this.code = code;
  }
}
