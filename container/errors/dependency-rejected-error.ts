import { SluiceError } from '../../core/errors/index.js';
import { dependencyErrorCode } from './dependency-failure.js';

/**
 * SQS or DynamoDB answered and refused a request the front made — a
 * `ValidationException`, `SerializationException`, `InvalidParameterValue`,
 * a missing table or queue, a denied permission. The same request fails
 * the same way, whoever retries it: a fault in Sluice or its deployment, not
 * in the caller's request, so it is INTERNAL (which no standard retry policy
 * repeats) and carries no retry advice. The message names the service's
 * error code (never its text, which may quote data) for the operator.
 *
 * @example
 * ```ts
 * throw new DependencyRejectedError('read the job', error); // "could not read the job: … (ValidationException) …"
 * ```
 */
export class DependencyRejectedError extends SluiceError {
  readonly status = 'INTERNAL' as const;
  /** The service's error code, e.g. `ValidationException`. */
  readonly code: string;

  /** `what` is the step that failed ("read the job"); `cause` the SDK's error. */
  constructor(what: string, cause: unknown, code = dependencyErrorCode(cause)) {
    super(
      `could not ${what}: the service refused the request (${code}); ` +
        'this is a fault in the server or its deployment, not in your request, and retrying will not help',
      { cause },
    );
    this.code = code;
  }
}
