import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Logger } from '../../core/logging/logger.js';
import {
  SqsAutoBatcher,
  type AutoBatcherMetrics,
  type SentMessage,
  type SqsAutoBatcherOptions,
  type SqsBatchEntry,
} from './auto-batcher.js';

/** The batcher settings every channel's producer shares. */
export type ProducerTunables = Omit<SqsAutoBatcherOptions, 'sqs' | 'queueUrl' | 'logger'>;

/** Options of `ChannelProducers`. */
export interface ChannelProducersOptions {
  sqs: SQSClient;
  queues: ReadonlyMap<string, ChannelQueues>;
  tunables?: ProducerTunables;
  logger?: Logger;
}

/**
 * One `SqsAutoBatcher` per channel queue: what the submit path sends through.
 * Knows which channel goes to which queue, and sums the batchers' counters.
 *
 * @example
 * ```ts
 * const producers = new ChannelProducers({ sqs, queues });
 * await producers.send('default', { id, body, groupId, deduplicationId: id });
 * await producers.close();
 * ```
 */
export class ChannelProducers {
  readonly #batchers: ReadonlyMap<string, SqsAutoBatcher>;

  constructor(options: ChannelProducersOptions) {
    const batchers = new Map<string, SqsAutoBatcher>();
    for (const [channel, queues] of options.queues) {
      batchers.set(
        channel,
        new SqsAutoBatcher({
          ...options.tunables,
          sqs: options.sqs,
          queueUrl: queues.queueUrl,
          logger: options.logger?.child({ channel }),
        }),
      );
    }
    this.#batchers = batchers;
  }

  /** Whether every channel's batcher would accept an entry now. */
  get hasCapacity(): boolean {
    for (const batcher of this.#batchers.values()) if (!batcher.hasCapacity) return false;
    return true;
  }

  /** The counters of all channels, summed. */
  get metrics(): AutoBatcherMetrics {
    const total: AutoBatcherMetrics = {
      sendBatchRequests: 0,
      entriesSent: 0,
      retries: 0,
      entriesFailed: 0,
      pending: 0,
    };
    for (const batcher of this.#batchers.values()) {
      const metrics = batcher.metrics;
      for (const key of Object.keys(total) as (keyof AutoBatcherMetrics)[]) {
        total[key] += metrics[key];
      }
    }
    return total;
  }

  /** Sends one message to the channel's queue (see `SqsAutoBatcher.send`). */
  send(channel: string, entry: SqsBatchEntry): Promise<SentMessage> {
    return this.#batcher(channel).send(entry);
  }

  /**
   * Resolves once the channel's batcher has room (or was closed, when `send`
   * fails at once). A caller that sends right after, without awaiting
   * anything else, gets the room: how stream items slow down instead of
   * failing when the queue is busy.
   */
  async waitForRoom(channel: string): Promise<void> {
    const batcher = this.#batcher(channel);
    // Several waiters wake together; each checks again and the losers wait on.
    while (!batcher.hasCapacity && !batcher.isClosed) await batcher.whenWritable();
  }

  /** Resolves when every channel's batcher has room (or is closed). */
  async whenWritable(): Promise<void> {
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.whenWritable()));
  }

  /** Sends everything queued and waits for the answers. */
  async flush(): Promise<void> {
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.flush()));
  }

  /** Refuses new messages and flushes: the shutdown path. */
  async close(): Promise<void> {
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.close()));
  }

  #batcher(channel: string): SqsAutoBatcher {
    const batcher = this.#batchers.get(channel);
    // Validation admits only configured channels, and every one has a queue.
    if (batcher === undefined) throw new Error(`no queue for channel "${channel}"`);
    return batcher;
  }
}
