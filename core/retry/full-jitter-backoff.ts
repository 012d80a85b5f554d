/**
 * How a delay grows from one retry to the next. Every retry in Sluice — the
 * front's SQS sends and AWS calls, the consumer's message retries, the
 * client's calls and reconnections — backs off by this one rule.
 *
 * @example
 * ```ts
 * const policy: BackoffPolicy = { initialBackoffMs: 100, maxBackoffMs: 5_000 };
 * ```
 */
export interface BackoffPolicy {
  /** The cap of the first retry's delay. */
  initialBackoffMs: number;
  /** The cap of any delay. */
  maxBackoffMs: number;
  /** How much the cap grows with each retry (default `DEFAULT_BACKOFF_MULTIPLIER`). */
  multiplier?: number;
}

/** Each retry doubles the cap of the delay unless a policy says otherwise. */
export const DEFAULT_BACKOFF_MULTIPLIER = 2;

/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): the delay before retry `attempt` (1 = the first
 * retry) is uniform in `[0, min(maxBackoffMs, initialBackoffMs ·
 * multiplier^(attempt-1)))`, which spreads the retries of many callers that
 * failed together the most and finishes the work soonest.
 *
 * Dependency-free on purpose: the client package ships a copy of it.
 *
 * @example
 * ```ts
 * const ms = fullJitterDelayMs(3, { initialBackoffMs: 20, maxBackoffMs: 1_000 }); // in [0, 80)
 * ```
 */
export function fullJitterDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const multiplier = policy.multiplier ?? DEFAULT_BACKOFF_MULTIPLIER;
  const cap = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * multiplier ** exponent);
  return Math.floor(random() * cap);
}
