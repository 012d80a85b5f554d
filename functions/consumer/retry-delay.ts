import { fullJitterDelayMs } from '../../core/retry/full-jitter-backoff.js';

const MS_PER_SECOND = 1_000;
/** SQS's granularity: a retry that waits at all waits at least this long. */
const MIN_RETRY_DELAY_SECONDS = 1;

/** Inputs of `retryDelaySeconds`. */
export interface RetryDelayOptions {
  /** The cap of the delay after the first attempt. */
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
 * The shared full-jitter backoff (`fullJitterDelayMs`: caps base, 2×base,
 * 4×base… up to the channel's maximum), so retries of many jobs that failed
 * together spread out; rounded up to SQS's granularity of a second, and at
 * least a second unless the base delay is zero (an immediate redelivery
 * would hold nothing back).
 *
 * @example
 * ```ts
 * retryDelaySeconds(3, { baseDelayMs: 1000, maxDelaySeconds: 60, random: Math.random }); // 1..4
 * ```
 */
export function retryDelaySeconds(attempt: number, options: RetryDelayOptions): number {
  if (options.baseDelayMs <= 0) return 0;
  const delayMs = fullJitterDelayMs(
    attempt,
    {
      initialBackoffMs: options.baseDelayMs,
      maxBackoffMs: options.maxDelaySeconds * MS_PER_SECOND,
    },
    options.random,
  );
  const seconds = Math.max(MIN_RETRY_DELAY_SECONDS, Math.ceil(delayMs / MS_PER_SECOND));
  return Math.min(options.maxDelaySeconds, seconds);
}
