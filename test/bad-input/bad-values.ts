import fc from 'fast-check';

/**
 * Byte sequences that are not UTF-8: a lone byte that cannot start a
 * character, overlong encodings, UTF-16 surrogates encoded as if they were
 * characters (how a "lone surrogate" reaches the wire), a code point above
 * U+10FFFF, and sequences cut short.
 */
const INVALID_UTF8_SEQUENCES: readonly number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xaf, 0xbf],
  [0xed, 0xb0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARS = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, index) => 0x80 + index),
].map((code) => String.fromCharCode(code));
/** Noncharacters an SQS message body cannot carry. */
const NONCHARACTERS = ['\ufffe', '\uffff'];

const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength });

/** Valid text with invalid UTF-8 bytes somewhere inside (sent as raw bytes). */
export function invalidUtf8(): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(text(12), fc.constantFrom(...INVALID_UTF8_SEQUENCES), text(12))
    .map(([before, bad, after]) =>
      Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bad), Buffer.from(after, 'utf8')]),
    );
}

/** A control character (C0, DEL, C1) or a noncharacter. */
export function forbiddenChar(): fc.Arbitrary<string> {
  return fc.constantFrom(...CONTROL_CHARS, ...NONCHARACTERS);
}

/** Random text with `inserted` somewhere inside. */
export function textWith(inserted: fc.Arbitrary<string>, maxLength = 20): fc.Arbitrary<string> {
  return fc
    .tuple(text(maxLength), inserted, text(maxLength))
    .map(([before, char, after]) => `${before}${char}${after}`);
}

/** Text of `min`–`max` characters (UTF-16 units) of any code point. */
export function textOfLength(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'binary', minLength: min, maxLength: max })
    .map((value) => value.slice(0, max))
    .filter((value) => value.length >= min);
}

/** Any text, with a bias towards the nasty: empty, controls, noncharacters, long. */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(''),
    text(maxLength),
    textWith(forbiddenChar()),
    textOfLength(maxLength, maxLength * 2),
  );
}

/** An identifier as attribute keys must be: `[A-Za-z_][\w.\-/]*`. */
export function identifier(maxLength: number): fc.Arbitrary<string> {
  return fc
    .stringMatching(/^[A-Za-z_][\w.\-/]*$/, { maxLength })
    .filter((key) => key.length <= maxLength);
}
