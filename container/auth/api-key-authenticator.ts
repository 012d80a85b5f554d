import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '../../core/errors/index.js';
import { callDependency } from '../errors/call-dependency.js';
import { apiKeyId, hashApiKey } from '../../core/keys/api-key-format.js';
import type { ApiKeyRecord, ApiKeyStore } from '../../core/keys/api-key-store.js';
import type { Authenticator, CallerIdentity } from './authenticator.js';
import { ExpiringCache } from './expiring-cache.js';

/** The metadata key of the credentials: the standard bearer-token header. */
export const AUTHORIZATION_METADATA_KEY = 'authorization';
/** How long a looked-up key is trusted before it is read again (a revocation takes at most this long). */
export const DEFAULT_AUTH_CACHE_TTL_MS = 10_000;
/** The longest cache TTL allowed: revocation must take effect within 30 s. */
export const MAX_AUTH_CACHE_TTL_MS = 30_000;
/** Key ids remembered at most (known and unknown ones alike). */
export const DEFAULT_AUTH_CACHE_MAX_ENTRIES = 10_000;
/** `Bearer <token>`, the scheme case-insensitive (RFC 6750). */
const BEARER_PATTERN = /^bearer +(\S+)$/i;
/** Compared against when no key matches, so a miss costs the same comparison as a hit. */
const NO_HASH = Buffer.alloc(hashApiKey('').length);

/** Options of an `ApiKeyAuthenticator`. */
export interface ApiKeyAuthenticatorOptions {
  store: ApiKeyStore;
  /** Default `DEFAULT_AUTH_CACHE_TTL_MS`; at most `MAX_AUTH_CACHE_TTL_MS`; 0 reads every time. */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  now?: () => number;
}

function bearerKey(metadata: Metadata): string {
  const values = metadata.get(AUTHORIZATION_METADATA_KEY);
  if (values.length === 0) {
    throw new UnauthenticatedError(
      'missing API key: send the metadata "authorization: Bearer <key>"',
    );
  }
  const match = values.length === 1 ? BEARER_PATTERN.exec(String(values[0])) : null;
  if (match?.[1] === undefined) {
    throw new UnauthenticatedError(
      'malformed credentials: send exactly one "authorization: Bearer <key>"',
    );
  }
  return match[1];
}

/**
 * Authenticates callers by API key: `authorization: Bearer <key>` metadata,
 * looked up by its key id in the `ApiKeyStore` (one GetItem of the keys
 * table) and compared by SHA-256 in constant time; the caller is the key's
 * tenant, with the key's role. A missing, malformed, unknown or revoked key is
 * UNAUTHENTICATED (the message never repeats the key). Lookups — found or
 * not — are cached for at most `cacheTtlMs` (≤ 30 s) in a bounded cache, so
 * a revocation takes effect within the TTL; concurrent calls with one key
 * share one read.
 *
 * @example
 * ```ts
 * const authenticator = new ApiKeyAuthenticator({ store: new ApiKeyStore({ client, tableName: 'sluice-keys' }) });
 * const { tenant, role } = await authenticator.authenticate(call.metadata);
 * ```
 */
export class ApiKeyAuthenticator implements Authenticator {
  readonly #store: ApiKeyStore;
  readonly #cache: ExpiringCache<string, Promise<ApiKeyRecord | undefined>>;

  constructor(options: ApiKeyAuthenticatorOptions) {
    const ttlMs = options.cacheTtlMs ?? DEFAULT_AUTH_CACHE_TTL_MS;
    if (ttlMs < 0 || ttlMs > MAX_AUTH_CACHE_TTL_MS) {
      throw new RangeError(`cacheTtlMs must be between 0 and ${MAX_AUTH_CACHE_TTL_MS}`);
    }
    this.#store = options.store;
    this.#cache = new ExpiringCache({
      ttlMs,
      maxEntries: options.cacheMaxEntries ?? DEFAULT_AUTH_CACHE_MAX_ENTRIES,
      now: options.now,
    });
  }

  async authenticate(metadata: Metadata): Promise<CallerIdentity> {
    const key = bearerKey(metadata);
    const keyId = apiKeyId(key);
    if (keyId === undefined) throw new UnauthenticatedError('the API key is malformed');
    const record = await this.#lookup(keyId);
    const expected = record === undefined ? NO_HASH : Buffer.from(record.keyHash, 'hex');
    const presented = hashApiKey(key);
    const matches =
      expected.length === presented.length &&
      timingSafeEqual(presented, expected) &&
      record !== undefined;
    if (!matches) throw new UnauthenticatedError('the API key is not valid');
    if (record.revokedAt !== undefined) {
      throw new UnauthenticatedError('the API key has been revoked');
    }
    return { tenant: record.tenant, role: record.role };
  }

  #lookup(keyId: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.#cache.get(keyId);
    if (cached !== undefined) return cached;
    const lookup = callDependency('check the API key', () => this.#store.find(keyId));
    this.#cache.set(keyId, lookup);
    // A failed read is not an answer: the next call reads again.
    lookup.catch(() => this.#cache.delete(keyId));
    return lookup;
  }
}
