import type { Processor, ProcessorContext, ProcessorOutput } from './processor.js';

/**
 * Makes a processor of a synchronous function, so a processor with nothing
 * to await is written plainly; what it throws becomes the rejection, exactly
 * as from an `async` processor.
 *
 * @example
 * ```ts
 * export const reverse = synchronousProcessor((input) => ({ bytes: input.toReversed(), contentType: 'application/octet-stream' }));
 * ```
 */
export function synchronousProcessor(
  compute: (input: Uint8Array, ctx: ProcessorContext) => ProcessorOutput,
): Processor {
  return (input, ctx) => new Promise((resolve) => resolve(compute(input, ctx)));
}
