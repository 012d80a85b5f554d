/**
 * When and how often a failed send is tried again. Retrying is always safe:
 * every message's deduplication id is its job id, so SQS drops a repeat.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, giveUpAfterMs: 5_000 };
 * ```
 */
export interface RetryPolicy {
  /** The cap of the first delay. */
  initialBackoffMs: number;
  /** The cap of any delay. */
  maxBackoffMs: number;
  /** Sends of one entry before it fails with `UnavailableError`. */
  maxAttempts: number;
  /** Time since `send` after which an entry is not retried any more. */
  giveUpAfterMs: number;
}

/**
 * Defaults: about 8 attempts over at most 15 s, well inside a client's
 * deadline for a unary submit and ECS's stop timeout.
 *
 * @example
 * ```ts
 * fullJitterDelayMs(3, DEFAULT_RETRY_POLICY); // somewhere in [0, 80) ms
 * ```
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  initialBackoffMs: 20,
  maxBackoffMs: 1_000,
  maxAttempts: 8,
  giveUpAfterMs: 15_000,
});

/** Each attempt doubles the cap of the delay. */
const BACKOFF_MULTIPLIER = 2;

/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog): the delay
 * before retry `attempt` (1 = the first retry) is uniform in
 * `[0, min(maxBackoffMs, initialBackoffMs · 2^(attempt-1)))`, which spreads
 * the retries of many fronts that failed together the most.
 *
 * @example
 * ```ts
 * const ms = fullJitterDelayMs(attempt, policy, Math.random);
 * ```
 */
export function fullJitterDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialBackoffMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(
    policy.maxBackoffMs,
    policy.initialBackoffMs * BACKOFF_MULTIPLIER ** exponent,
  );
  return Math.floor(random() * cap);
}
