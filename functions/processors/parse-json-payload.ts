import type { z } from 'zod';
import { PermanentError } from './permanent-error.js';

/** The submission field a payload error names. */
const PAYLOAD_FIELD = 'payload';

/**
 * Parses a JSON payload against a schema. A payload that is not JSON, or not
 * the expected shape, can never succeed, so it is a `PermanentError`
 * (INVALID_ARGUMENT naming `payload`) with a message saying what is wrong.
 *
 * @example
 * ```ts
 * const { ms } = parseJsonPayload(input, z.object({ ms: z.number().int().min(0) }), 'sleep');
 * ```
 */
export function parseJsonPayload<Schema extends z.ZodType>(
  input: Uint8Array,
  schema: Schema,
  type: string,
): z.infer<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(input).toString('utf8'));
  } catch (error) {
    throw new PermanentError(`${type}: the payload is not valid JSON`, {
      status: 'INVALID_ARGUMENT',
      field: PAYLOAD_FIELD,
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(
        (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
      )
      .join('; ');
    throw new PermanentError(`${type}: invalid payload (${problems})`, {
      status: 'INVALID_ARGUMENT',
      field: PAYLOAD_FIELD,
    });
  }
  return parsed.data;
}
