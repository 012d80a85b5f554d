import { createHash, randomBytes } from 'node:crypto';

/** Every Sluice API key starts with this, so secret scanners and people can recognise one. */
export const API_KEY_PREFIX = 'sluice_';
/** Random bytes of a key id (64 bits: unique enough to look keys up, not a secret). */
const KEY_ID_BYTES = 8;
/** Random bytes of a key's secret part (256 bits: no guessing, no dictionary). */
const SECRET_BYTES = 32;
/** `sluice_<16 hex digits>_<43 base64url characters>`. */
const API_KEY_PATTERN = /^sluice_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;
/** A key id alone, as `sluice keys revoke` takes it. */
export const API_KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** A freshly generated API key: the whole key (shown once) and its public id. */
export interface GeneratedApiKey {
  keyId: string;
  key: string;
}

/**
 * Generates a high-entropy API key: a public key id (for lookup, listing and
 * revocation) and 256 random bits. Only its hash is ever stored.
 *
 * @example
 * ```ts
 * const { keyId, key } = generateApiKey(); // key: sluice_3f9a…_Xk2…
 * ```
 */
export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { keyId, key: `${API_KEY_PREFIX}${keyId}_${secret}` };
}

/**
 * The key id of a well-formed API key, or `undefined` for anything else (so a
 * malformed key costs no table read).
 *
 * @example
 * ```ts
 * apiKeyId('sluice_0123456789abcdef_…'); // '0123456789abcdef'
 * ```
 */
export function apiKeyId(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

/**
 * The SHA-256 of a key, as stored and compared. A fast hash is right here:
 * keys are 256-bit random values, so there is no dictionary to slow down,
 * and a slow hash would only cost CPU on every call.
 *
 * @example
 * ```ts
 * timingSafeEqual(hashApiKey(presented), Buffer.from(record.keyHash, 'hex'));
 * ```
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
