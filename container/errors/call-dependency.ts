import { SluiceError, UnavailableError } from '../../core/errors/index.js';
import { isDependencyFailure } from './dependency-failure.js';

/**
 * Runs a call to SQS or DynamoDB whose repetition is harmless (a read, an
 * idempotent write, or a step before anything was enqueued) and turns
 * dependency trouble into `UnavailableError` (the cause kept for the logs):
 * to a client that means "retry later", which is then true. Anything else —
 * a domain error, or a bug such as a `TypeError` — passes through unchanged,
 * so a bug is reported as INTERNAL, never as something to retry.
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
    if (error instanceof SluiceError || !isDependencyFailure(error)) throw error;
    throw new UnavailableError(
      `could not ${what} (a dependency is unavailable); retrying is safe`,
      { cause: error },
    );
  }
}
