import type { SQSClient } from '@aws-sdk/client-sqs';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ConsumerTunables } from '../../functions/consumer/consumer-tunables.js';
import { createConsumerHandler } from '../../functions/consumer/create-consumer-handler.js';
import type { JobMetricsSink } from '../../functions/consumer/job-metrics.js';
import { createDeadLetterHandler } from '../../functions/dead-letter/create-dead-letter-handler.js';
import type { ProcessorRegistry } from '../../functions/processors/processor.js';
import { PROCESSORS } from '../../functions/processors/processor-registry.js';
import type { EventSourceHandlers } from './start-event-source-runner.js';

/** What the real handlers share when run locally. */
export interface ChannelHandlersOptions {
  sqs: SQSClient;
  table: JobsTable;
  logger: Logger;
  /** Default: the deployment's `PROCESSORS`. */
  processors?: ProcessorRegistry;
  tunables?: Partial<ConsumerTunables>;
  clock?: () => number;
  /** Where the consumers' EMF lines go (default: nowhere). */
  metrics?: JobMetricsSink;
}

/**
 * The same consumer and dead-letter handlers the Lambda functions run, built
 * per channel over shared clients: what `startEventSourceRunner` invokes in
 * the local runtime and in tests.
 *
 * @example
 * ```ts
 * const runner = await startEventSourceRunner({ sqs, region, channels: queues, logger, handlers: createChannelHandlers({ sqs, table, logger }) });
 * ```
 */
export function createChannelHandlers(options: ChannelHandlersOptions): EventSourceHandlers {
  return {
    consumer: (channel, queues) =>
      createConsumerHandler({
        table: options.table,
        sqs: options.sqs,
        channel,
        queueUrl: queues.queueUrl,
        processors: options.processors ?? PROCESSORS,
        logger: options.logger.child({ handler: 'consumer' }),
        clock: options.clock,
        tunables: options.tunables,
        metrics: options.metrics,
      }),
    deadLetter: (channel) =>
      createDeadLetterHandler({
        table: options.table,
        channel,
        logger: options.logger.child({ handler: 'dead-letter' }),
        clock: options.clock,
      }),
  };
}
