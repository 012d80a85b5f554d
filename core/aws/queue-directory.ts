import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterQueueName, queueName, type Channel } from '../channels/channel-config.js';

/** The queue URLs of one channel. */
export interface ChannelQueues {
  channel: Channel;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/**
 * Looks up every channel's queue and dead-letter queue URL once, at start, by
 * name (`GetQueueUrl`), so the same code finds them on AWS, LocalStack and the
 * embedded emulators.
 *
 * @example
 * ```ts
 * const queues = await resolveChannelQueues(sqs, CHANNELS, 'sluice');
 * queues.get('default')?.queueUrl;
 * ```
 */
export async function resolveChannelQueues(
  sqs: SQSClient,
  channels: readonly Channel[],
  prefix: string,
): Promise<Map<string, ChannelQueues>> {
  const entries = await Promise.all(
    channels.map(async (channel): Promise<[string, ChannelQueues]> => {
      const [queue, dlq] = await Promise.all([
        sqs.send(new GetQueueUrlCommand({ QueueName: queueName(prefix, channel) })),
        sqs.send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName(prefix, channel) })),
      ]);
      if (queue.QueueUrl === undefined || dlq.QueueUrl === undefined) {
        throw new Error(`queues of channel "${channel.name}" not found`);
      }
      return [
        channel.name,
        { channel, queueUrl: queue.QueueUrl, deadLetterQueueUrl: dlq.QueueUrl },
      ];
    }),
  );
  return new Map(entries);
}
