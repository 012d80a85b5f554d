import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Processor } from './processor.js';
import { parseJsonPayload } from './parse-json-payload.js';

/** Lambda's longest timeout: nothing can sleep longer. */
const MAX_SLEEP_MS = 900_000;
/** Progress reports per sleep. */
const PROGRESS_STEPS = 10;

const sleepPayload = z.object({ ms: z.number().int().min(0).max(MAX_SLEEP_MS) });

/**
 * `sleep`: `{"ms": n}` waits n milliseconds, reporting progress in tenths,
 * and stops as soon as its deadline signal aborts. Stands in for slow work
 * in tests of ordering, progress, deadlines and heartbeats.
 *
 * @example
 * ```ts
 * await sleepProcessor(Buffer.from('{"ms":500}'), ctx); // { json: { sleptMs: 500 } }
 * ```
 */
export const sleepProcessor: Processor = async (input, ctx) => {
  const { ms } = parseJsonPayload(input, sleepPayload, 'sleep');
  const start = Date.now();
  for (let step = 1; step <= PROGRESS_STEPS; step++) {
    // Aim each step at its point from the start, so timer drift does not add up.
    const target = start + (ms * step) / PROGRESS_STEPS;
    await delay(Math.max(0, target - Date.now()), undefined, { signal: ctx.signal });
    ctx.reportProgress(step / PROGRESS_STEPS, `slept ${Math.round(target - start)} of ${ms} ms`);
  }
  return { json: { sleptMs: ms } };
};
