import { fullJitterDelayMs } from '../../core/retry/full-jitter-backoff.js';

/**
 * How the client retries calls and reconnects streams.
 *
 * @example
 * ```ts
 * new SluiceClient({ retry: { maxAttempts: 10, maxBackoffMs: 2_000 } satisfies Partial<RetryOptions> });
 * ```
 */
export interface RetryOptions {
  /**
   * Attempts of one unary call, or consecutive failed (re)connections of a
   * stream (a stream that made progress starts counting again).
   */
  maxAttempts: number;
  /** The cap of the first delay. */
  initialBackoffMs: number;
  /** The cap on any delay. */
  maxBackoffMs: number;
  /** How much the cap grows with each retry. */
  multiplier: number;
}

/**
 * Defaults in the spirit of gRPC's connection backoff, tuned for a front that restarts in seconds.
 *
 * @example
 * ```ts
 * const backoff = new Backoff(DEFAULT_RETRY_OPTIONS);
 * ```
 */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 6,
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  multiplier: 2,
});

/**
 * Exponential backoff with full jitter, counting its own retries: the
 * `n`-th `next()` is `fullJitterDelayMs(n, options)` (uniform below a cap that
 * grows by `multiplier` up to `maxBackoffMs`), so clients that failed
 * together do not retry together.
 *
 * @example
 * ```ts
 * const backoff = new Backoff(DEFAULT_RETRY_OPTIONS);
 * await setTimeout(backoff.next(), undefined, { signal });
 * backoff.reset(); // after a success
 * ```
 */
export class Backoff {
  readonly #options: RetryOptions;
  readonly #random: () => number;
  #retries = 0;

  constructor(options: RetryOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** The delay before the next attempt; each call grows the cap of the following one. */
  next(): number {
    this.#retries += 1;
    return fullJitterDelayMs(this.#retries, this.#options, this.#random);
  }

  /** Starts again from `initialBackoffMs`. */
  reset(): void {
    this.#retries = 0;
  }
}
