import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Crockford's base32, as ULIDs use, so both kinds of id look alike. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID is 26 characters: 128 bits in base32. */
const ID_LENGTH = 26;
/** Job ids are ULIDs or hash-derived ids of the same alphabet and length. */
export const JOB_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function toCrockford(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < ID_LENGTH) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * The job id of an idempotent submit: the same (tenant, channel, key) always
 * gives the same id, whatever the time between submits, so a resubmission
 * finds the original job and SQS deduplicates its message.
 *
 * @example
 * ```ts
 * deterministicJobId('default', 'default', 'order-42') === deterministicJobId('default', 'default', 'order-42');
 * ```
 */
export function deterministicJobId(
  tenant: string,
  channel: string,
  idempotencyKey: string,
): string {
  const digest = createHash('sha256')
    .update(`sluice/v1\0${tenant}\0${channel}\0${idempotencyKey}`)
    .digest();
  return toCrockford(digest);
}

/** Makes fresh, time-sortable job ids (monotonic ULIDs). */
export function createJobIdGenerator(): () => string {
  const next = monotonicFactory();
  return () => next();
}
