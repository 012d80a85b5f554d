/** Growth of the delay from one attempt to the next. */
const BACKOFF_MULTIPLIER = 2;
const MS_PER_SECOND = 1_000;

/** Inputs of `retryDelaySeconds`. */
export interface RetryDelayOptions {
  /** The delay after the first attempt, before jitter. */
  baseDelayMs: number;
  /** The cap: the channel's `maxRetryDelaySeconds`. */
  maxDelaySeconds: number;
  /** A uniform random number in [0, 1); injected so tests are repeatable. */
  random: () => number;
}

/**
 * How long a transiently failed message stays invisible before its next
 * attempt. FIFO queues have no per-message delay, so the consumer sets this
 * as the message's visibility timeout; the message keeps its group locked
 * meanwhile, so later jobs of the group wait behind it.
 *
 * Exponential in the attempt (base, 2×base, 4×base…), capped, with "equal
 * jitter" (half fixed, half random) so retries of many jobs spread out but
 * never collapse to zero; rounded up to SQS's granularity of a second.
 *
 * @example
 * ```ts
 * retryDelaySeconds(3, { baseDelayMs: 1000, maxDelaySeconds: 60, random: Math.random }); // 2..4
 * ```
 */
export function retryDelaySeconds(attempt: number, options: RetryDelayOptions): number {
  const exponent = Math.max(0, attempt - 1);
  const capMs = options.maxDelaySeconds * MS_PER_SECOND;
  const exponentialMs = Math.min(capMs, options.baseDelayMs * BACKOFF_MULTIPLIER ** exponent);
  const jitteredMs = exponentialMs / 2 + (options.random() * exponentialMs) / 2;
  return Math.min(options.maxDelaySeconds, Math.ceil(jitteredMs / MS_PER_SECOND));
}
