import type { Channel } from '../channels/channel-config.js';
import { findChannel } from '../channels/channel-config.js';
import { ValidationError } from '../errors/validation-error.js';
import type { SubmitLimits } from './limits.js';

/** A submit request as it arrives: the shape of `sluice.v1.SubmitJobRequest`. */
export interface SubmitJobInput {
  channel: string;
  type: string;
  payload: Uint8Array;
  contentType: string;
  groupKey: string;
  idempotencyKey: string;
  attributes: Record<string, string>;
}

/** A validated submit: every field checked against the channel config and limits. */
export interface JobSubmission extends SubmitJobInput {
  /** The content type, `application/octet-stream` when none was given. */
  contentType: string;
}

/** Printable ASCII, as SQS allows in a MessageGroupId (we add the tenant in front). */
const GROUP_KEY_PATTERN = /^[\x21-\x7e]+$/;
/**
 * Any text without control characters (C0, DEL, C1), lone surrogates or the
 * noncharacters U+FFFE/U+FFFF: no sane key contains them, and an SQS message
 * body cannot carry U+FFFE/U+FFFF (the JSON envelope escapes C0 controls and
 * lone surrogates, but not those).
 */
const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}\ufffe\uffff]*$/u;
/** A media type: type/subtype with optional parameters; quoted values printable ASCII (RFC 9110). */
const CONTENT_TYPE_PATTERN =
  /^[\w.+-]+\/[\w.+-]+([ \t]*;[ \t]*[\w.+-]+=("[\x20\x21\x23-\x7e]*"|[\w.+-]+))*$/;
/** Attribute keys: identifiers, with dots, dashes and slashes for namespaces. */
const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z_][\w.\-/]*$/;
/** The content type assumed when a submit gives none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

function check(condition: boolean, field: string, message: string): void {
  if (!condition) throw new ValidationError(`${field}: ${message}`, { field });
}

function checkText(
  value: string,
  field: string,
  maxLength: number,
  pattern: RegExp,
  what: string,
): void {
  check(value.length <= maxLength, field, `must be at most ${maxLength} characters`);
  check(pattern.test(value), field, `must be ${what}`);
}

function checkAttributes(
  attributes: Record<string, string>,
  field: string,
  limits: SubmitLimits,
): void {
  const entries = Object.entries(attributes);
  check(
    entries.length <= limits.maxAttributes,
    field,
    `at most ${limits.maxAttributes} attributes`,
  );
  for (const [key, value] of entries) {
    checkText(
      key,
      `${field}.key`,
      limits.maxAttributeKeyLength,
      ATTRIBUTE_KEY_PATTERN,
      'an identifier',
    );
    checkText(
      value,
      `${field}[${key}]`,
      limits.maxAttributeValueLength,
      NO_CONTROL_CHARS,
      'text without control characters',
    );
  }
}

/**
 * Checks a submit request against the channel config and the limits, and
 * returns it as a typed submission. The first bad field throws a
 * `ValidationError` naming it (prefixed by `fieldPrefix`, e.g. `job.` in a
 * bulk submit), so nothing is enqueued for a bad request.
 *
 * @example
 * ```ts
 * const submission = validateSubmission(request, CHANNELS, DEFAULT_SUBMIT_LIMITS);
 * ```
 */
export function validateSubmission(
  input: SubmitJobInput,
  channels: readonly Channel[],
  limits: SubmitLimits,
  fieldPrefix = '',
): JobSubmission {
  const f = (name: string): string => `${fieldPrefix}${name}`;
  check(input.channel !== '', f('channel'), 'is required');
  const channel = findChannel(channels, input.channel);
  check(channel !== undefined, f('channel'), `unknown channel "${input.channel.slice(0, 64)}"`);
  check(input.type !== '', f('type'), 'is required');
  check(
    channel?.types.includes(input.type) ?? false,
    f('type'),
    `channel "${input.channel}" has no job type "${input.type.slice(0, 64)}"`,
  );
  check(
    input.payload.byteLength <= limits.maxPayloadBytes,
    f('payload'),
    `must be at most ${limits.maxPayloadBytes} bytes (got ${input.payload.byteLength})`,
  );
  if (input.contentType !== '') {
    checkText(
      input.contentType,
      f('content_type'),
      limits.maxContentTypeLength,
      CONTENT_TYPE_PATTERN,
      'a media type such as application/json',
    );
  }
  if (input.groupKey !== '') {
    checkText(
      input.groupKey,
      f('group_key'),
      limits.maxGroupKeyLength,
      GROUP_KEY_PATTERN,
      'printable ASCII without spaces',
    );
  }
  if (input.idempotencyKey !== '') {
    checkText(
      input.idempotencyKey,
      f('idempotency_key'),
      limits.maxIdempotencyKeyLength,
      NO_CONTROL_CHARS,
      'text without control characters',
    );
  }
  checkAttributes(input.attributes, f('attributes'), limits);
  return {
    ...input,
    contentType: input.contentType === '' ? DEFAULT_CONTENT_TYPE : input.contentType,
  };
}
