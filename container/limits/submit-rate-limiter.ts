/**
 * What the JobService asks of a per-tenant submit rate: a unary submit is
 * admitted or refused at once (with when to retry); a stream item waits for
 * its token, so the stream's flow control slows the client instead of
 * failing items. `TenantRateLimiter` (per process) and `LeasedRateLimiter`
 * (per deployment) implement it.
 *
 * @example
 * ```ts
 * const retryAfterMs = await limiter.admit(tenant);
 * if (retryAfterMs > 0) throw new RateLimitedError('…', retryAfterMs);
 * ```
 */
export interface SubmitRateLimiter {
  /** Takes a token: 0 when taken, else the ms until one may be (nothing taken). */
  admit(tenant: string): Promise<number>;
  /** Resolves once a token is taken for this item; rejects with the signal's reason if it aborts first. */
  acquire(tenant: string, signal: AbortSignal): Promise<void>;
}
