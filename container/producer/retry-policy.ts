import type { BackoffPolicy } from '../../core/retry/full-jitter-backoff.js';

/**
 * When and how often a failed send is tried again: the delays of
 * `fullJitterDelayMs` plus when to stop. Retrying is always safe: every
 * message's deduplication id is its job id, so SQS drops a repeat.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, giveUpAfterMs: 5_000 };
 * ```
 */
export interface RetryPolicy extends BackoffPolicy {
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

/**
 * Whether a send that failed after `attempts` tries, `elapsedMs` after it was
 * accepted, may be tried again under `policy`: the one place both limits are
 * checked.
 *
 * @example
 * ```ts
 * if (!mayRetry(policy, pending.attempts, now() - pending.acceptedAt)) fail(pending);
 * ```
 */
export function mayRetry(policy: RetryPolicy, attempts: number, elapsedMs: number): boolean {
  return attempts < policy.maxAttempts && elapsedMs < policy.giveUpAfterMs;
}
