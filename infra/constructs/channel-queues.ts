import { Duration } from 'aws-cdk-lib';
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
  type IQueue,
} from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  deadLetterQueueName,
  queueName,
  visibilityTimeoutSeconds,
  type Channel,
} from '../../core/channels/channel-config.js';

/** SQS's longest retention: a dead-lettered message waits this long for its handler. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** How long a job may wait in its queue before SQS drops it. */
const QUEUE_RETENTION = Duration.days(4);

/** Properties of `ChannelQueues`. */
export interface ChannelQueuesProps {
  channel: Channel;
  /** Queue names are `<prefix>-<channel>.fifo` and `<prefix>-<channel>-dlq.fifo`. */
  prefix: string;
}

/**
 * A channel's FIFO queue and FIFO dead-letter queue, named as
 * `core/channels/channel-config.ts` says (the front and the consumers find
 * them by name), in high-throughput mode (deduplication and throughput per
 * message group), encrypted with SQS-managed keys, TLS-only, and redriving a
 * message to the DLQ after the channel's `maxReceiveCount` receives.
 *
 * @example
 * ```ts
 * const queues = new ChannelQueues(stack, 'Queues', { channel, prefix: 'sluice' });
 * queues.queue.grantSendMessages(role);
 * ```
 */
export class ChannelQueues extends Construct {
  /** The channel's job queue. */
  readonly queue: IQueue;
  /** Where a message goes after `maxReceiveCount` receives. */
  readonly deadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: ChannelQueuesProps) {
    super(scope, id);
    const { channel, prefix } = props;
    // The DLQ's handler runs no longer than a consumer, so the same timeout fits it.
    const visibilityTimeout = Duration.seconds(visibilityTimeoutSeconds(channel));
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: deadLetterQueueName(prefix, channel),
      fifo: true,
      visibilityTimeout,
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: queueName(prefix, channel),
      fifo: true,
      // The front sets every MessageDeduplicationId (the job id): never derive it from the body.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout,
      retentionPeriod: QUEUE_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: channel.maxReceiveCount },
    });
  }
}
