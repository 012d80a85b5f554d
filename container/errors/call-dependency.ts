import { SluiceError, UnavailableError } from '../../core/errors/index.js';
import { DependencyRejectedError } from './dependency-rejected-error.js';
import { dependencyFailureKind } from './dependency-failure.js';

/** The advice of a failed call whose repetition is harmless. */
const RETRY_IS_SAFE = 'retrying is safe';

/**
 * The error a failed call to SQS or DynamoDB is reported as, or `undefined`
 * when `error` is no dependency failure (a bug: the caller lets it pass, and
 * it is reported as INTERNAL). Transient trouble (throttling, a 5xx, the
 * network) is `UnavailableError` ending with `retryAdvice` — the caller
 * says what is true for it; a request the service refused is
 * `DependencyRejectedError` (INTERNAL, no advice).
 *
 * @example
 * ```ts
 * throw dependencyError('record the job', error, 'retrying with the same idempotency key is safe') ?? error;
 * ```
 */
function dependencyError(
  what: string,
  error: unknown,
  retryAdvice: string,
): SluiceError | undefined {
  switch (dependencyFailureKind(error)) {
    case 'transient':
      return new UnavailableError(
        `could not ${what} (a dependency is unavailable); ${retryAdvice}`,
        {
          cause: error,
        },
      );
    case 'rejected':
      return new DependencyRejectedError(what, error);
    case undefined:
      return undefined;
  }
}

/**
 * Runs a call to SQS or DynamoDB whose repetition is harmless — a read, or
 * an idempotent write (a cancel, a retry marker): only such calls may use
 * it, since its failure says "retrying is safe". Transient trouble becomes
 * `UnavailableError` (the cause kept for the logs): to a client that means
 * "retry later", which is then true. A request the service refused becomes
 * `DependencyRejectedError` (INTERNAL). Anything else — a domain error, or a
 * bug such as a `TypeError` — passes through unchanged, so a bug is reported
 * as INTERNAL, never as something to retry.
 *
 * @example
 * ```ts
 * const record = await callDependency('read the job', () => table.get(key));
 * ```
 */
export async function callDependency<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    throw dependencyError(what, error, RETRY_IS_SAFE) ?? error;
  }
}
