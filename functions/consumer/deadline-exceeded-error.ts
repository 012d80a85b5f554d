import { SluiceError } from '../../core/errors/index.js';

/**
 * The reason a processor's signal aborts: its deadline (the invocation's
 * remaining time less a safety margin) has passed. The job is requeued with
 * this error, as a transient failure.
 *
 * @example
 * ```ts
 * controller.abort(new DeadlineExceededError('job 01J… ran past its deadline'));
 * ```
 */
export class DeadlineExceededError extends SluiceError {
  readonly status = 'DEADLINE_EXCEEDED' as const;
}
