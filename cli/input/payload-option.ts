import { readFile } from 'node:fs/promises';
import type { JsonValue, PayloadInput } from '@sluice/client';
import { UsageError } from '../usage-error.js';

/**
 * What `submit` accepts as the job's input.
 *
 * @example
 * ```ts
 * await payloadFromOptions({ payloadFile: 'input.bin' } satisfies PayloadOptions);
 * ```
 */
export interface PayloadOptions {
  /** JSON text, sent as `application/json`. */
  payload?: string;
  /** A file whose bytes are sent as they are. */
  payloadFile?: string;
}

/**
 * Turns `--payload <json>` or `--payload-file <path>` into a payload; neither
 * means an empty JSON object, which every example processor accepts.
 *
 * @example
 * ```ts
 * const payload = await payloadFromOptions({ payload: '{"ms":500}' }); // { json: { ms: 500 } }
 * ```
 */
export async function payloadFromOptions(options: PayloadOptions): Promise<PayloadInput> {
  if (options.payload !== undefined && options.payloadFile !== undefined) {
    throw new UsageError('use either --payload or --payload-file, not both');
  }
  if (options.payloadFile !== undefined) return new Uint8Array(await readFile(options.payloadFile));
  if (options.payload === undefined) return { json: {} };
  try {
    return { json: JSON.parse(options.payload) as JsonValue };
  } catch (error) {
    throw new UsageError(
      `--payload must be JSON (${error instanceof Error ? error.message : String(error)}); ` +
        `quote strings: --payload '"text"'`,
    );
  }
}
