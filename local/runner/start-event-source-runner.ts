import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Channel } from '../../core/channels/channel-config.js';
import type { Logger } from '../../core/logging/logger.js';
import {
  emptyEventSourceMetrics,
  type EventSourceKind,
  type EventSourceMetrics,
} from './event-source-metrics.js';
import { PollerPool } from './poller-pool.js';
import { runQueuePoller, type SqsBatchHandler } from './queue-poller.js';

/** Long-poll wait per receive: short, so `stop()` returns within about a second. */
export const DEFAULT_WAIT_TIME_SECONDS = 1;
/** Pollers of a channel's dead-letter queue: its traffic is a trickle. */
const DEAD_LETTER_POLLERS = 1;
const MS_PER_SECOND = 1_000;

/** The handlers the runner invokes, built once per channel at start. */
export interface EventSourceHandlers {
  /** The consumer of a channel's queue (e.g. `createConsumerHandler`). */
  consumer(channel: Channel, queues: ChannelQueues): SqsBatchHandler;
  /** The handler of a channel's dead-letter queue (e.g. `createDeadLetterHandler`). */
  deadLetter(channel: Channel, queues: ChannelQueues): SqsBatchHandler;
}

/** Options of `startEventSourceRunner`. */
export interface EventSourceRunnerOptions {
  sqs: SQSClient;
  /** The region events name in `awsRegion` and ARNs. */
  region: string;
  /** The channels to serve and their queues (as `resolveChannelQueues` returns them). */
  channels: ReadonlyMap<string, ChannelQueues> | readonly ChannelQueues[];
  handlers: EventSourceHandlers;
  logger: Logger;
  /** Concurrent pollers (invocations) per channel queue; default the channel's `maxConcurrency`. */
  pollersPerChannel?: number;
  /** Long-poll wait of each receive (0–20 s); default 1 s. */
  waitTimeSeconds?: number;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
}

/** A running set of local event source mappings. */
export interface EventSourceRunner {
  /** Counters per channel and queue since start. */
  metrics(): EventSourceMetrics[];
  /** Stops polling, waits for invocations in progress, and resolves. Idempotent. */
  stop(): Promise<void>;
}

interface EventSource {
  kind: EventSourceKind;
  channel: Channel;
  queueUrl: string;
  queueArn: string;
  handler: SqsBatchHandler;
  pollers: number;
  metrics: EventSourceMetrics;
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (Attributes?.QueueArn === undefined) throw new Error(`queue ${queueUrl} has no QueueArn`);
  return Attributes.QueueArn;
}

/**
 * Does locally what Lambda's SQS event source mappings do on AWS, for every
 * channel: up to `maxConcurrency` pollers receive from the channel's queue
 * (batches of `batchSize`; one long poll while idle, more as receives find
 * messages — see `PollerPool`), invoke the consumer handler with a real `SQSEvent` and a
 * context counting down from the channel's timeout, and delete exactly the
 * messages not reported in `batchItemFailures` (ReportBatchItemFailures
 * semantics: a throw, a timeout or an invalid response fails the whole
 * batch). One more poller per channel feeds its dead-letter queue to the
 * dead-letter handler the same way. Works with SQS returning one message per
 * group per receive (the emulator) or several (AWS).
 *
 * @example
 * ```ts
 * const runner = await startEventSourceRunner({
 *   sqs, region: 'us-east-1', channels: await resolveChannelQueues(sqs, CHANNELS, 'sluice'), logger,
 *   handlers: {
 *     consumer: (channel, queues) => createConsumerHandler({ table, sqs, channel, queueUrl: queues.queueUrl, processors: PROCESSORS, logger }),
 *     deadLetter: (channel) => createDeadLetterHandler({ table, channel, logger }),
 *   },
 * });
 * await runner.stop();
 * ```
 */
export async function startEventSourceRunner(
  options: EventSourceRunnerOptions,
): Promise<EventSourceRunner> {
  const channels = [...options.channels.values()];
  const sources = await Promise.all(
    channels.flatMap((queues) => [
      (async (): Promise<EventSource> => ({
        kind: 'queue',
        channel: queues.channel,
        queueUrl: queues.queueUrl,
        queueArn: await queueArnOf(options.sqs, queues.queueUrl),
        handler: options.handlers.consumer(queues.channel, queues),
        pollers: options.pollersPerChannel ?? queues.channel.maxConcurrency,
        metrics: emptyEventSourceMetrics(queues.channel.name, 'queue'),
      }))(),
      (async (): Promise<EventSource> => ({
        kind: 'dead-letter',
        channel: queues.channel,
        queueUrl: queues.deadLetterQueueUrl,
        queueArn: await queueArnOf(options.sqs, queues.deadLetterQueueUrl),
        handler: options.handlers.deadLetter(queues.channel, queues),
        pollers: DEAD_LETTER_POLLERS,
        metrics: emptyEventSourceMetrics(queues.channel.name, 'dead-letter'),
      }))(),
    ]),
  );

  const controller = new AbortController();
  const clock = options.clock ?? Date.now;
  const waitTimeSeconds = options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS;
  const pollers = sources.flatMap((source) => {
    const functionName = `sluice-${source.channel.name}-${source.kind === 'queue' ? 'consumer' : 'dead-letter'}`;
    const logger = options.logger.child({ channel: source.channel.name, source: source.kind });
    const pool = new PollerPool(controller.signal);
    return Array.from({ length: source.pollers }, (_, index) =>
      runQueuePoller({
        sqs: options.sqs,
        queueUrl: source.queueUrl,
        queueArn: source.queueArn,
        region: options.region,
        handler: source.handler,
        batchSize: source.channel.batchSize,
        waitTimeSeconds,
        timeoutMs: source.channel.timeoutSeconds * MS_PER_SECOND,
        functionName,
        memoryMb: source.channel.memoryMb,
        clock,
        stopSignal: controller.signal,
        metrics: source.metrics,
        pool,
        startParked: index > 0,
        logger,
      }),
    );
  });
  options.logger.info(
    { channels: channels.map((queues) => queues.channel.name), pollers: pollers.length },
    'event source runner started',
  );

  let stopped: Promise<void> | undefined;
  return {
    metrics: () => sources.map((source) => ({ ...source.metrics })),
    stop: () => {
      stopped ??= (async () => {
        controller.abort();
        await Promise.all(pollers);
        options.logger.info('event source runner stopped');
      })();
      return stopped;
    },
  };
}
