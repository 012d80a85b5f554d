/** One way to look at a result's bytes. */
export interface ResultView {
  name: 'json' | 'text' | 'hex' | 'base64';
  /** What to show, always as text (never as markup). */
  text: string;
}

/** Bytes per line of the hex view (with an offset column, like `xxd`). */
const HEX_BYTES_PER_LINE = 16;
const HEX_RADIX = 16;
const OFFSET_DIGITS = 8;
const JSON_INDENT = 2;

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += HEX_BYTES_PER_LINE) {
    const row = [...bytes.subarray(offset, offset + HEX_BYTES_PER_LINE)];
    const hex = row.map((byte) => byte.toString(HEX_RADIX).padStart(2, '0')).join(' ');
    lines.push(`${offset.toString(HEX_RADIX).padStart(OFFSET_DIGITS, '0')}  ${hex}`);
  }
  return lines.join('\n');
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The views a result supports, best first: pretty JSON when it parses as
 * JSON, text when it is valid UTF-8, and always hex and base64 (binary
 * results, or to see exactly which bytes a text holds).
 *
 * @example
 * ```ts
 * resultViews(new TextEncoder().encode('{"a":1}'))[0]; // { name: 'json', text: '{\n  "a": 1\n}' }
 * ```
 */
export function resultViews(bytes: Uint8Array): ResultView[] {
  const views: ResultView[] = [];
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      views.push({ name: 'json', text: JSON.stringify(JSON.parse(text), null, JSON_INDENT) });
    } catch {
      // Not JSON: the text view below is the best one.
    }
    views.push({ name: 'text', text });
  }
  views.push({ name: 'hex', text: hexDump(bytes) }, { name: 'base64', text: base64(bytes) });
  return views;
}
