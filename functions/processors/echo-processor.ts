import { synchronousProcessor } from './synchronous-processor.js';

/** Content type of an echo whose payload was submitted without one. */
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/**
 * `echo`: the result is the payload, with the content type it was submitted
 * with. The smallest possible processor, and a round-trip check.
 *
 * @example
 * ```ts
 * await echoProcessor(Buffer.from('{"a":1}'), ctx); // { bytes: '{"a":1}', contentType: ctx.contentType }
 * ```
 */
export const echoProcessor = synchronousProcessor((input, ctx) => ({
  bytes: input,
  contentType: ctx.contentType === '' ? FALLBACK_CONTENT_TYPE : ctx.contentType,
}));
