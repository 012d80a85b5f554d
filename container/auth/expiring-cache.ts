/** Options of an `ExpiringCache`. */
export interface ExpiringCacheOptions {
  /** How long an entry is served after it was stored. */
  ttlMs: number;
  /** The most entries kept; the oldest goes first when full. */
  maxEntries: number;
  /** The clock, epoch ms. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A small in-process cache whose entries expire after a fixed time and whose
 * size is bounded, so a stale value can never outlive the TTL (a revoked API
 * key stops working within it) and memory cannot grow with the number of
 * distinct keys a caller makes up.
 *
 * @example
 * ```ts
 * const cache = new ExpiringCache<string, Promise<ApiKeyRecord | undefined>>({ ttlMs: 10_000, maxEntries: 10_000 });
 * cache.set(keyId, lookup);
 * cache.get(keyId);
 * ```
 */
export class ExpiringCache<K, V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Insertion order is age order: the first entry is the oldest. */
  readonly #entries = new Map<K, Entry<V>>();

  constructor(options: ExpiringCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** Entries held (expired ones included until they are touched or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value stored for `key` if it has not expired. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for the TTL (a TTL of 0 stores nothing), evicting the oldest entry when full. */
  set(key: K, value: V): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
  }

  /** Forgets `key` (a failed lookup must not be served from the cache). */
  delete(key: K): void {
    this.#entries.delete(key);
  }
}
