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
  /** The first delay. */
  initialBackoffMs: number;
  /** The cap on any delay. */
  maxBackoffMs: number;
  /** How much each delay grows. */
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

/** The share of each delay that is randomised ("equal jitter"). */
const JITTER_FRACTION = 0.5;

/**
 * Exponential backoff with jitter: delays grow by `multiplier` up to
 * `maxBackoffMs`, each randomised over its upper half, so clients that failed
 * together do not retry together and no delay collapses to zero.
 *
 * @example
 * ```ts
 * const backoff = new Backoff(DEFAULT_RETRY_OPTIONS);
 * await delay(backoff.next(), signal);
 * backoff.reset(); // after a success
 * ```
 */
export class Backoff {
  readonly #options: RetryOptions;
  readonly #random: () => number;
  #nextBaseMs: number;

  constructor(options: RetryOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
    this.#nextBaseMs = options.initialBackoffMs;
  }

  /** The delay before the next attempt; each call grows the following one. */
  next(): number {
    const base = Math.min(this.#nextBaseMs, this.#options.maxBackoffMs);
    this.#nextBaseMs = base * this.#options.multiplier;
    return base * (1 - JITTER_FRACTION) + base * JITTER_FRACTION * this.#random();
  }

  /** Starts again from `initialBackoffMs`. */
  reset(): void {
    this.#nextBaseMs = this.#options.initialBackoffMs;
  }
}
