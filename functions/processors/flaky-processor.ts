import { z } from 'zod';
import { parseJsonPayload } from './parse-json-payload.js';
import { synchronousProcessor } from './synchronous-processor.js';

/** More planned failures than any channel's max receive count makes no sense. */
const MAX_FAILURES = 1_000;

const flakyPayload = z.object({ failures: z.number().int().min(0).max(MAX_FAILURES) });

/**
 * `flaky`: `{"failures": n}` fails transiently on attempts 1..n, then
 * succeeds with `{"attempts": k}`. With n at or above the channel's max
 * receive count the job is dead-lettered. Shows that any error other than a
 * `PermanentError` is retried.
 *
 * @example
 * ```ts
 * await flakyProcessor(Buffer.from('{"failures":1}'), { ...ctx, attempt: 2 }); // { json: { attempts: 2 } }
 * ```
 */
export const flakyProcessor = synchronousProcessor((input, ctx) => {
  const { failures } = parseJsonPayload(input, flakyPayload, 'flaky');
  if (ctx.attempt <= failures) {
    throw new Error(`flaky: planned transient failure on attempt ${ctx.attempt} of ${failures}`);
  }
  return { json: { attempts: ctx.attempt } };
});
