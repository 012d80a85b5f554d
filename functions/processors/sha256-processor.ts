import { createHash } from 'node:crypto';
import { synchronousProcessor } from './synchronous-processor.js';

/**
 * `sha256`: the result is the hex SHA-256 digest of the payload bytes, as
 * `text/plain`. A deterministic result tests can check byte for byte.
 *
 * @example
 * ```ts
 * await sha256Processor(Buffer.from('abc'), ctx); // { text: 'ba7816bf…', contentType: 'text/plain' }
 * ```
 */
export const sha256Processor = synchronousProcessor((input) => ({
  text: createHash('sha256').update(input).digest('hex'),
  contentType: 'text/plain',
}));
