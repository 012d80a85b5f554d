import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { fullJitterDelayMs } from '../retry/full-jitter-backoff.js';

/** First retry waits up to this (full jitter); each further retry doubles it. */
const BASE_DELAY_MS = 50;
/** Throttling backs off from a longer base, as the SDK's own strategy does. */
const THROTTLING_BASE_DELAY_MS = 1_000;
/** No retry waits longer than this. */
const MAX_DELAY_MS = 20_000;
/** Quota a retry after a transient failure (a dropped connection, a 5xx) costs: the SDK's figure. */
const TRANSIENT_RETRY_COST = 14;
/** Quota a retry after throttling costs: the SDK's figure (throttles are cheap to answer). */
const THROTTLING_RETRY_COST = 5;
/** What a call that succeeded at once gives back to the quota. */
const SUCCESS_REFUND = 1;

/** Options of a `BurstTolerantRetryStrategy`. */
export interface BurstTolerantRetryOptions {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /**
   * Calls that may be in flight at once (the client's socket pool): the quota
   * holds a full retry sequence for every one of them.
   */
  concurrency: number;
  /** Returns a number in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
}

/** A retry token: how many retries so far, how long to wait, what it cost. */
class RetryToken implements StandardRetryToken {
  readonly #count: number;
  readonly #delayMs: number;
  readonly #cost: number | undefined;

  constructor(count: number, delayMs: number, cost: number | undefined) {
    this.#count = count;
    this.#delayMs = delayMs;
    this.#cost = cost;
  }

  getRetryCount(): number {
    return this.#count;
  }

  getRetryDelay(): number {
    return this.#delayMs;
  }

  getRetryCost(): number | undefined {
    return this.#cost;
  }
}

/**
 * The SDK's standard retry behaviour — throttling and transient errors
 * retried with full-jitter exponential backoff, behind a client-wide quota
 * that stops retry storms during an outage — with the quota sized to the
 * client's concurrency. The SDK's own quota (500, 14 per retry) is spent by
 * about 35 failures at once: a front with 64 calls in flight that sees its
 * connections reset together (a server closing idle keep-alive sockets, a
 * load-balancer node going away) then fails the rest of the burst on their
 * first attempt, and every one becomes an `UNAVAILABLE` to a client. This
 * quota lets every call in flight retry to its last attempt once from full;
 * a sustained outage still drains it, and calls then fail fast until
 * successes refill it.
 *
 * @example
 * ```ts
 * new DynamoDBClient({ retryStrategy: new BurstTolerantRetryStrategy({ maxAttempts: 4, concurrency: 64 }) });
 * ```
 */
export class BurstTolerantRetryStrategy implements RetryStrategyV2 {
  /** The SDK reports the retry mode in its user agent. */
  readonly mode = 'standard';
  readonly #maxAttempts: number;
  readonly #maxCapacity: number;
  readonly #random: () => number;
  #capacity: number;

  constructor(options: BurstTolerantRetryOptions) {
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#maxAttempts = options.maxAttempts;
    this.#maxCapacity = options.concurrency * (options.maxAttempts - 1) * TRANSIENT_RETRY_COST;
    this.#capacity = this.#maxCapacity;
    this.#random = options.random ?? Math.random;
  }

  /** The quota left, for tests and metrics. */
  get capacity(): number {
    return this.#capacity;
  }

  acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return Promise.resolve(new RetryToken(0, 0, undefined));
  }

  refreshRetryTokenForRetry(
    token: StandardRetryToken,
    errorInfo: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    const throttled = errorInfo.errorType === 'THROTTLING';
    const retryable = throttled || errorInfo.errorType === 'TRANSIENT';
    const cost = throttled ? THROTTLING_RETRY_COST : TRANSIENT_RETRY_COST;
    const retries = token.getRetryCount();
    if (!retryable || retries + 1 >= this.#maxAttempts || this.#capacity < cost) {
      // The middleware rethrows the call's own error when this rejects.
      return Promise.reject(new Error('no retry token available'));
    }
    this.#capacity -= cost;
    const base = throttled ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    let delayMs = fullJitterDelayMs(
      retries + 1,
      { initialBackoffMs: base, maxBackoffMs: MAX_DELAY_MS },
      this.#random,
    );
    const hint = errorInfo.retryAfterHint;
    if (hint !== undefined) {
      delayMs = Math.min(MAX_DELAY_MS, Math.max(delayMs, hint.getTime() - Date.now()));
    }
    return Promise.resolve(new RetryToken(retries + 1, delayMs, cost));
  }

  recordSuccess(token: StandardRetryToken): void {
    const refund = token.getRetryCost() ?? SUCCESS_REFUND;
    this.#capacity = Math.min(this.#maxCapacity, this.#capacity + refund);
  }
}
