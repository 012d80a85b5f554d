import type { ProcessorOutput } from './processor.js';

/** Content type of a processor's text output when it names none. */
export const DEFAULT_TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Content type of a processor's JSON output when it names none. */
export const DEFAULT_JSON_CONTENT_TYPE = 'application/json';

/** A processor's output as the bytes and content type stored on the job. */
export interface EncodedOutput {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * Turns whatever form a processor returned into the bytes stored as the
 * job's result. Throws a `TypeError` when a JSON value cannot be serialised
 * (a `BigInt`, a cycle).
 *
 * @example
 * ```ts
 * encodeProcessorOutput({ json: { ok: true } }); // { bytes: '{"ok":true}', contentType: 'application/json' }
 * ```
 */
export function encodeProcessorOutput(output: ProcessorOutput): EncodedOutput {
  if ('bytes' in output) return { bytes: output.bytes, contentType: output.contentType };
  if ('text' in output) {
    return {
      bytes: Buffer.from(output.text, 'utf8'),
      contentType: output.contentType ?? DEFAULT_TEXT_CONTENT_TYPE,
    };
  }
  return {
    bytes: Buffer.from(JSON.stringify(output.json), 'utf8'),
    contentType: output.contentType ?? DEFAULT_JSON_CONTENT_TYPE,
  };
}
