import { SluiceError } from '../../core/errors/index.js';

/**
 * A submit without an idempotency key failed after its message may have
 * reached the queue: the job may exist (an enqueued message runs, and its
 * consumer writes the record the front could not), so resubmitting the same
 * request would create a second job. The caller gets the job id to follow
 * with GetJob instead.
 *
 * Reported as UNKNOWN, deliberately: the outcome is unknown to the caller, and
 * UNKNOWN is a code no standard retry policy repeats. UNAVAILABLE is retried
 * by gRPC retry policies, Envoy's `retry_on: unavailable` and many client
 * libraries (AIP-194 makes it the one code retried automatically); INTERNAL
 * and DEADLINE_EXCEEDED are retry conditions of Envoy and of Google's load
 * balancers, and DEADLINE_EXCEEDED would also blame the caller's deadline.
 *
 * @example
 * ```ts
 * throw new JobMayExistError(jobId, 'the job was enqueued and will run, but its record could not be written');
 * ```
 */
export class JobMayExistError extends SluiceError {
  readonly status = 'UNKNOWN' as const;
  /** The id of the job that may exist: `GetJob` it later. */
  readonly jobId: string;

  /** `what` says what happened; the advice (the job id, GetJob it, no resubmit) is appended. */
  constructor(jobId: string, what: string, options?: { cause?: unknown }) {
    super(
      `${what}; do not resubmit it without an idempotency key (that would create a second job): ` +
        `GetJob ${jobId} later to follow it`,
      options,
    );
    this.jobId = jobId;
  }
}
