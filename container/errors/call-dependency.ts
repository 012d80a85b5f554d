import { SluiceError, UnavailableError } from '../../core/errors/index.js';

/**
 * Runs a call to SQS or DynamoDB and turns any failure that is not already a
 * domain error into `UnavailableError` (the cause kept for the logs): to a
 * client, a dependency in trouble means "retry later", and every Sluice
 * write is safe to retry.
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
    throw new UnavailableError(
      `could not ${what} (a dependency is unavailable); retrying is safe`,
      {
        cause: error,
      },
    );
  }
}
