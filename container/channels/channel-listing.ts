import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Channel } from '../../core/channels/channel-config.js';
import type { ChannelInfo, QueueStats } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { callDependency } from '../errors/call-dependency.js';

/** The SQS attributes a channel's figures come from. */
const VISIBLE = 'ApproximateNumberOfMessages';
const IN_FLIGHT = 'ApproximateNumberOfMessagesNotVisible';

/** Options of a `ChannelListing`. */
export interface ChannelListingOptions {
  sqs: SQSClient;
  channels: readonly Channel[];
  /** Each channel's queue and dead-letter queue (`resolveChannelQueues`). */
  queues: ReadonlyMap<string, ChannelQueues>;
}

function count(attributes: Record<string, string> | undefined, name: string): number {
  const value = Number(attributes?.[name] ?? 0);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * ListChannels: every channel of the configuration and its job types, and on
 * request each channel's approximate queue figures — messages visible and in
 * flight in its queue, and waiting in its dead-letter queue — from SQS's
 * GetQueueAttributes (two calls a channel, all channels at once). Who may ask
 * for figures is the caller's business (`requireOperator`).
 *
 * @example
 * ```ts
 * const listing = new ChannelListing({ sqs, channels: CHANNELS, queues });
 * const channels = await listing.list({ queueStats: true });
 * ```
 */
export class ChannelListing {
  readonly #sqs: SQSClient;
  readonly #channels: readonly Channel[];
  readonly #queues: ReadonlyMap<string, ChannelQueues>;

  constructor(options: ChannelListingOptions) {
    this.#sqs = options.sqs;
    this.#channels = options.channels;
    this.#queues = options.queues;
  }

  /** The channels in configuration order, with their figures when `queueStats`. */
  list(options: { queueStats: boolean; signal?: AbortSignal }): Promise<ChannelInfo[]> {
    return Promise.all(
      this.#channels.map(async (channel) => ({
        name: channel.name,
        jobTypes: [...channel.types],
        queueStats: options.queueStats ? await this.#stats(channel, options.signal) : undefined,
      })),
    );
  }

  async #stats(channel: Channel, signal: AbortSignal | undefined): Promise<QueueStats> {
    const queues = this.#queues.get(channel.name);
    if (queues === undefined) throw new Error(`channel ${channel.name} has no resolved queues`);
    const [queue, deadLetter] = await callDependency('read the queue figures', () =>
      Promise.all([
        this.#sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queues.queueUrl,
            AttributeNames: [VISIBLE, IN_FLIGHT],
          }),
          { abortSignal: signal },
        ),
        this.#sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queues.deadLetterQueueUrl,
            AttributeNames: [VISIBLE],
          }),
          { abortSignal: signal },
        ),
      ]),
    );
    return {
      visibleMessages: count(queue.Attributes, VISIBLE),
      inFlightMessages: count(queue.Attributes, IN_FLIGHT),
      deadLetterMessages: count(deadLetter.Attributes, VISIBLE),
    };
  }
}
