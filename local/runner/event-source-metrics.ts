/** Which queue of a channel an event source drains. */
export type EventSourceKind = 'queue' | 'dead-letter';

/** Counters of one event source (a channel's queue or its DLQ), since the runner started. */
export interface EventSourceMetrics {
  channel: string;
  source: EventSourceKind;
  /** ReceiveMessage calls answered (with messages or empty). */
  receiveCount: number;
  /** Handler invocations (one per non-empty receive). */
  invocationCount: number;
  /**
   * The handler's run time summed over invocations, each rounded up to the
   * millisecond: what Lambda bills as duration. The mapping's receives and
   * deletes happen outside the function and are not part of it.
   */
  billedDurationMs: number;
  receivedMessageCount: number;
  /** Messages the handler reported done, deleted from the queue. */
  deletedMessageCount: number;
  /** Messages left in the queue: reported failed, or part of a failed invocation. */
  failedMessageCount: number;
  /** Invocations that threw, returned an invalid response, or timed out. */
  failedInvocationCount: number;
  timedOutInvocationCount: number;
  /** Messages received while stopping and handed back unprocessed. */
  releasedMessageCount: number;
  /** ReceiveMessage / DeleteMessageBatch calls that failed. */
  sqsErrorCount: number;
}

/**
 * Fresh counters for an event source.
 *
 * @example
 * ```ts
 * const metrics = emptyEventSourceMetrics('default', 'queue');
 * metrics.invocationCount += 1;
 * ```
 */
export function emptyEventSourceMetrics(
  channel: string,
  source: EventSourceKind,
): EventSourceMetrics {
  return {
    channel,
    source,
    receiveCount: 0,
    invocationCount: 0,
    billedDurationMs: 0,
    receivedMessageCount: 0,
    deletedMessageCount: 0,
    failedMessageCount: 0,
    failedInvocationCount: 0,
    timedOutInvocationCount: 0,
    releasedMessageCount: 0,
    sqsErrorCount: 0,
  };
}
