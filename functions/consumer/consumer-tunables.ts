/** Knobs of a consumer that deployments rarely change and tests shorten. */
export interface ConsumerTunables {
  /** At most one progress write per job per this many milliseconds. */
  progressIntervalMs: number;
  /** The retry delay after a first transient failure; doubles per attempt, capped by the channel. */
  retryBaseDelayMs: number;
  /**
   * Time kept back from the invocation's remaining time when setting a
   * processor's deadline: enough to flush progress, record the outcome and
   * set the message's visibility.
   */
  deadlineSafetyMarginMs: number;
  /** A message is not started with less time than this left for its processor. */
  minimumAttemptMs: number;
}

/**
 * The defaults: progress at most four times a second, retries after about
 * 1 s, 2 s, 4 s… and two seconds kept to record an outcome.
 *
 * @example
 * ```ts
 * const tunables = { ...DEFAULT_CONSUMER_TUNABLES, retryBaseDelayMs: 0 };
 * ```
 */
export const DEFAULT_CONSUMER_TUNABLES: Readonly<ConsumerTunables> = Object.freeze({
  progressIntervalMs: 250,
  retryBaseDelayMs: 1_000,
  deadlineSafetyMarginMs: 2_000,
  minimumAttemptMs: 100,
});
