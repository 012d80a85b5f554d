import { SluiceClientError } from '../../client/index.js';

/**
 * The `SluiceClientError` a client call fails with; throws if it succeeds or
 * fails with anything else, so a test reads `expect((await clientFailure(call)).codeName)`.
 *
 * @example
 * ```ts
 * expect((await clientFailure(client.get(unknownId))).codeName).toBe('NOT_FOUND');
 * ```
 */
export async function clientFailure(call: Promise<unknown>): Promise<SluiceClientError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SluiceClientError) return error;
    throw error;
  }
  throw new Error('the call succeeded but was expected to fail');
}
