import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { createLogger, type Logger } from '../../core/logging/logger.js';
import type { ConsumerTunables } from '../../functions/consumer/consumer-tunables.js';
import type { ProcessorRegistry } from '../../functions/processors/processor.js';
import { createChannelHandlers } from '../../local/runner/channel-handlers.js';
import {
  startEventSourceRunner,
  type EventSourceRunner,
} from '../../local/runner/start-event-source-runner.js';

/** What the consumers of a test work against: a local runtime's resources, or a child's own. */
export interface LocalConsumersOptions {
  sqs: SQSClient;
  table: JobsTable;
  region: string;
  queues: ReadonlyMap<string, ChannelQueues>;
  processors?: ProcessorRegistry;
  tunables?: Partial<ConsumerTunables>;
  /** Pollers per channel queue (default: the channel's `maxConcurrency`). */
  pollersPerChannel?: number;
  logger?: Logger;
}

/**
 * Starts the event-source runner with the real consumer and dead-letter
 * handlers, separately from a local runtime: for tests that turn consumers
 * on only for some phases, or run them in a process of their own to crash it.
 *
 * @example
 * ```ts
 * const consumers = await startLocalConsumers({ sqs, table, region, queues, processors: recording.registry });
 * await consumers.stop();
 * ```
 */
export function startLocalConsumers(options: LocalConsumersOptions): Promise<EventSourceRunner> {
  const logger = options.logger ?? createLogger('consumers', 'silent');
  return startEventSourceRunner({
    sqs: options.sqs,
    region: options.region,
    channels: options.queues,
    logger,
    pollersPerChannel: options.pollersPerChannel,
    handlers: createChannelHandlers({
      sqs: options.sqs,
      table: options.table,
      logger,
      processors: options.processors,
      tunables: options.tunables,
    }),
  });
}
