import { SluiceError } from '../../core/errors/index.js';

/**
 * The call ended (its deadline passed or the client cancelled) before the
 * work was done: the front stops instead of doing work nobody waits for.
 * Nobody sees the status — the call is gone — but it is a domain error, so
 * it is neither logged as a failure nor reported as INTERNAL.
 *
 * @example
 * ```ts
 * controller.abort(new CallEndedError('the call ended before the job was enqueued'));
 * ```
 */
export class CallEndedError extends SluiceError {
  readonly status = 'DEADLINE_EXCEEDED' as const;
}
