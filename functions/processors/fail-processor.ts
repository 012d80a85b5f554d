import { z } from 'zod';
import { parseJsonPayload } from './parse-json-payload.js';
import { PermanentError } from './permanent-error.js';
import { synchronousProcessor } from './synchronous-processor.js';

/** Longest message the payload may carry. */
const MAX_MESSAGE_LENGTH = 1_000;
const DEFAULT_MESSAGE = 'failed on purpose';

const failPayload = z.object({
  message: z.string().min(1).max(MAX_MESSAGE_LENGTH).default(DEFAULT_MESSAGE),
});

/**
 * `fail`: `{"message": s}` fails permanently with message `s`, so the job
 * ends FAILED at its first attempt and is never retried. Shows how a
 * processor reports a failure no retry can fix.
 *
 * @example
 * ```ts
 * await failProcessor(Buffer.from('{"message":"no such customer"}'), ctx); // rejects with PermanentError
 * ```
 */
export const failProcessor = synchronousProcessor((input) => {
  const { message } = parseJsonPayload(input, failPayload, 'fail');
  throw new PermanentError(message);
});
