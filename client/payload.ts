/**
 * Any value `JSON.stringify` turns into JSON and `JSON.parse` gives back.
 *
 * @example
 * ```ts
 * const input: JsonValue = { ms: 500, tags: ['a', 'b'] };
 * ```
 */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A job's input as callers write it: raw bytes, text (UTF-8), or a JSON value
 * wrapped as `{ json }` — the wrapper keeps a JSON string apart from text.
 *
 * @example
 * ```ts
 * await client.submit({ type: 'sha256', payload: 'hello' }); // text
 * await client.submit({ type: 'echo', payload: { json: { a: 1 } } }); // JSON
 * ```
 */
export type PayloadInput = Uint8Array | string | { json: JsonValue };

/**
 * A payload ready for the wire: its bytes and their media type.
 *
 * @example
 * ```ts
 * const { bytes, contentType }: EncodedPayload = encodePayload(json({ a: 1 }));
 * ```
 */
export interface EncodedPayload {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * The media type of `{ json }` payloads.
 *
 * @example
 * ```ts
 * if (job.result?.contentType === JSON_CONTENT_TYPE) console.log(job.result.json());
 * ```
 */
export const JSON_CONTENT_TYPE = 'application/json';
/**
 * The media type of text payloads.
 *
 * @example
 * ```ts
 * encodePayload('hi').contentType === TEXT_CONTENT_TYPE; // true
 * ```
 */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/**
 * The media type of byte payloads.
 *
 * @example
 * ```ts
 * encodePayload(new Uint8Array([1])).contentType === BYTES_CONTENT_TYPE; // true
 * ```
 */
export const BYTES_CONTENT_TYPE = 'application/octet-stream';

/**
 * Wraps a JSON value as a payload, so `submit` sends it as `application/json`.
 *
 * @example
 * ```ts
 * await client.submit({ type: 'sleep', payload: json({ ms: 500 }) });
 * ```
 */
export function json(value: JsonValue): { json: JsonValue } {
  return { json: value };
}

/**
 * Turns a payload into bytes and a content type: bytes stay as they are
 * (`application/octet-stream`), text is UTF-8 (`text/plain`), `{ json }` is
 * serialised (`application/json`). An explicit `contentType` wins.
 *
 * @example
 * ```ts
 * encodePayload({ json: { a: 1 } }); // { bytes: <7b 22 61 ...>, contentType: 'application/json' }
 * ```
 */
export function encodePayload(
  payload: PayloadInput | undefined,
  contentType?: string,
): EncodedPayload {
  if (payload === undefined) return { bytes: new Uint8Array(), contentType: contentType ?? '' };
  if (payload instanceof Uint8Array) {
    return { bytes: payload, contentType: contentType ?? BYTES_CONTENT_TYPE };
  }
  if (typeof payload === 'string') {
    return { bytes: Buffer.from(payload, 'utf8'), contentType: contentType ?? TEXT_CONTENT_TYPE };
  }
  const text = JSON.stringify(payload.json);
  if (text === undefined) throw new TypeError('the JSON payload has no JSON representation');
  return { bytes: Buffer.from(text, 'utf8'), contentType: contentType ?? JSON_CONTENT_TYPE };
}
