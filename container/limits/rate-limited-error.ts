import { ResourceExhaustedError } from '../../core/errors/index.js';

/**
 * A tenant submitted faster than its rate allows. RESOURCE_EXHAUSTED, with
 * the time after which a retry will be accepted: the front sends it as the
 * `retry-after-ms` trailer and as a google.rpc.RetryInfo status detail.
 *
 * @example
 * ```ts
 * throw new RateLimitedError('submit rate of tenant acme exceeded', 40);
 * ```
 */
export class RateLimitedError extends ResourceExhaustedError {
  /** Milliseconds until a retry will be accepted. */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}
