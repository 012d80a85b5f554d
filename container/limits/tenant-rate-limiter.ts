import { setTimeout as delay } from 'node:timers/promises';
import type { SubmitRateLimiter } from './submit-rate-limiter.js';

/** Tenants tracked before full (idle) buckets are swept away. */
const SWEEP_THRESHOLD = 10_000;
const MS_PER_SECOND = 1_000;

/** Options of a `TenantRateLimiter`. */
export interface TenantRateLimiterOptions {
  /** Sustained submits per second per tenant (on this front). */
  ratePerSecond: number;
  /** Submits a tenant may make at once after being idle (the bucket's size). */
  burst: number;
  /** The clock, epoch ms. */
  now?: () => number;
}

interface Bucket {
  /** May go below zero: tokens already promised to waiting stream items. */
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per tenant for submits: `burst` tokens, refilled at
 * `ratePerSecond`. Unary submits `tryTake` (refused with the time until a
 * token is due, which becomes RESOURCE_EXHAUSTED with a retry hint); stream
 * items `reserve` a token, possibly ahead of time, and wait its turn — the
 * stream's flow control then slows the client instead of failing items.
 * Reservations queue behind each other, so waiting is first come, first
 * served. The limit is per front process: N fronts allow N times the rate
 * (a deployment uses `LeasedRateLimiter`; this one serves a single front).
 *
 * @example
 * ```ts
 * const limiter = new TenantRateLimiter({ ratePerSecond: 100, burst: 200 });
 * const waitMs = limiter.tryTake('acme');
 * if (waitMs > 0) throw new RateLimitedError('…', waitMs);
 * ```
 */
export class TenantRateLimiter implements SubmitRateLimiter {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: TenantRateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('ratePerSecond must be > 0 and burst ≥ 1');
    }
    this.#ratePerMs = options.ratePerSecond / MS_PER_SECOND;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
  }

  /** Takes a token if one is there (0), else takes none and returns the ms until one is due. */
  tryTake(tenant: string): number {
    const bucket = this.#refilled(tenant);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#ratePerMs);
  }

  /** Takes a token now, in advance if need be; returns the ms to wait before using it (0: at once). */
  reserve(tenant: string): number {
    const bucket = this.#refilled(tenant);
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens / this.#ratePerMs);
  }

  admit(tenant: string): Promise<number> {
    return Promise.resolve(this.tryTake(tenant));
  }

  async acquire(tenant: string, signal: AbortSignal): Promise<void> {
    const waitMs = this.reserve(tenant);
    // No wait, no timer: an item under its tenant's rate goes on at once.
    if (waitMs > 0 || signal.aborted) await delay(waitMs, undefined, { signal });
  }

  /** Tenants with a bucket (full ones are swept once many are tracked). */
  get trackedTenants(): number {
    return this.#buckets.size;
  }

  #refilled(tenant: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(tenant);
    if (bucket === undefined) {
      if (this.#buckets.size >= SWEEP_THRESHOLD) this.#sweep(now);
      bucket = { tokens: this.#burst, updatedAt: now };
      this.#buckets.set(tenant, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#ratePerMs);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Forgets buckets that have refilled completely: a new one would be identical. */
  #sweep(now: number): void {
    for (const [tenant, bucket] of this.#buckets) {
      const tokens = bucket.tokens + (now - bucket.updatedAt) * this.#ratePerMs;
      if (tokens >= this.#burst) this.#buckets.delete(tenant);
    }
  }
}
