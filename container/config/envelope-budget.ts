import type { Channel } from '../../core/channels/channel-config.js';
import { encodeEnvelope, type MessageEnvelope } from '../../core/envelope/message-envelope.js';
import type { SubmitLimits } from '../../core/validation/limits.js';
import { MAX_TENANT_NAME_LENGTH } from '../../core/keys/tenant-name.js';

/** SQS's classic message size limit (the default of every queue): the budget of one envelope. */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;
/** Base64 turns every 3 payload bytes into 4 characters. */
const BASE64_IN = 3;
const BASE64_OUT = 4;
/** Job ids are 26 characters. */
const JOB_ID_LENGTH = 26;
/** The submit token is a UUID. */
const SUBMIT_TOKEN_LENGTH = 36;
/** Epoch ms with 13 digits lasts until the year 2286. */
const LATEST_CREATED_AT = 9_999_999_999_999;
/**
 * The characters that cost the most bytes in the JSON envelope where each
 * field allows them: `€` is 3 bytes of UTF-8 (control characters and lone
 * surrogates, which JSON would escape to 6, are refused by validation);
 * `"` and `\` are escaped to 2 where only printable ASCII is allowed.
 */
const WIDEST_TEXT_CHAR = '€';
const WIDEST_ASCII_CHAR = '"';
const WIDEST_QUOTED_PARAMETER_CHAR = '\\';

function longest(names: readonly string[]): string {
  return names.reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** `a/b;p="\\\\…"`: the longest valid content type, escaped as much as JSON can. */
function widestContentType(maxLength: number): string {
  const open = 'a/b;p="';
  return `${open}${WIDEST_QUOTED_PARAMETER_CHAR.repeat(Math.max(0, maxLength - open.length - 1))}"`;
}

/**
 * The largest envelope a valid submit can produce, with an empty payload:
 * every text field at its length limit, filled with the characters that
 * encode widest, the longest channel and type names, the longest tenant.
 *
 * @example
 * ```ts
 * const bytes = Buffer.byteLength(encodeEnvelope(widestEnvelope(DEFAULT_SUBMIT_LIMITS, CHANNELS)));
 * ```
 */
export function widestEnvelope(
  limits: SubmitLimits,
  channels: readonly Channel[],
): MessageEnvelope {
  const channel = channels.reduce((a, b) =>
    b.name.length + longest(b.types).length > a.name.length + longest(a.types).length ? b : a,
  );
  const attributes: Record<string, string> = {};
  for (let index = 0; index < limits.maxAttributes; index += 1) {
    const key = `k${index}`.padEnd(limits.maxAttributeKeyLength, '_');
    attributes[key] = WIDEST_TEXT_CHAR.repeat(limits.maxAttributeValueLength);
  }
  return {
    jobId: '0'.repeat(JOB_ID_LENGTH),
    tenant: 'a'.repeat(MAX_TENANT_NAME_LENGTH),
    channel: channel.name,
    type: longest(channel.types),
    payload: new Uint8Array(0),
    contentType: widestContentType(limits.maxContentTypeLength),
    groupKey: WIDEST_ASCII_CHAR.repeat(limits.maxGroupKeyLength),
    idempotencyKey: WIDEST_TEXT_CHAR.repeat(limits.maxIdempotencyKeyLength),
    attributes,
    submitToken: '0'.repeat(SUBMIT_TOKEN_LENGTH),
    createdAt: LATEST_CREATED_AT,
    // A retry carries its original's id (its idempotency key is then empty, but count both).
    retryOf: '0'.repeat(JOB_ID_LENGTH),
  };
}

/**
 * Bytes of the SQS message body besides the payload's base64, at worst.
 *
 * @example
 * ```ts
 * envelopeOverheadBytes(DEFAULT_SUBMIT_LIMITS, CHANNELS); // ≈ 14 KiB with the defaults
 * ```
 */
export function envelopeOverheadBytes(limits: SubmitLimits, channels: readonly Channel[]): number {
  return Buffer.byteLength(encodeEnvelope(widestEnvelope(limits, channels)), 'utf8');
}

/**
 * The largest payload whose envelope still fits `messageBytes` (SQS's
 * 256 KiB) whatever else a valid submit carries: what is left after the
 * worst-case overhead, times 3/4 for base64.
 *
 * @example
 * ```ts
 * const ceiling = maxPayloadBytes(limits, CHANNELS); // SLUICE_MAX_PAYLOAD_BYTES may not exceed it
 * ```
 */
export function maxPayloadBytes(
  limits: SubmitLimits,
  channels: readonly Channel[],
  messageBytes = SQS_MAX_MESSAGE_BYTES,
): number {
  const room = messageBytes - envelopeOverheadBytes(limits, channels);
  return room <= 0 ? 0 : Math.floor(room / BASE64_OUT) * BASE64_IN;
}
