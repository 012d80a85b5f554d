import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resolveChannelQueues } from '../../core/aws/queue-directory.js';
import { startTelemetry } from '../../core/telemetry/start-telemetry.js';
import { PROCESSORS } from '../processors/processor-registry.js';
import { lazily, loadChannelEnvironment } from '../shared/channel-environment.js';
import { createConsumerHandler, type ConsumerHandler } from './create-consumer-handler.js';

const telemetry = lazily(() => startTelemetry({ serviceName: 'sluice-consumer' }));

const consumer = lazily(async (): Promise<ConsumerHandler> => {
  const { channel, queuePrefix, table, sqs, logger } = loadChannelEnvironment(
    process.env,
    'consumer',
  );
  const queues = (await resolveChannelQueues(sqs, [channel], queuePrefix)).get(channel.name);
  if (queues === undefined) throw new Error(`queue of channel "${channel.name}" not found`);
  return createConsumerHandler({
    table,
    sqs,
    channel,
    queueUrl: queues.queueUrl,
    processors: PROCESSORS,
    logger,
    // CloudWatch Logs turns EMF lines on a function's stdout into metrics.
    metrics: (line) => process.stdout.write(`${line}\n`),
  });
});

/**
 * The consumer Lambda of the channel named by `SLUICE_CHANNEL`, for its SQS
 * FIFO event source mapping with `ReportBatchItemFailures`. Its dependencies
 * are built on the first invocation (one GetQueueUrl per queue) and kept for
 * the instance's life, and so is its tracing (from the `OTEL_*` variables;
 * spans are exported before each invocation returns). Each processor
 * attempt writes one EMF line (`Jobs`, `QueueWaitMs`, `RunTimeMs`,
 * `Attempts` in namespace `Sluice`) to stdout.
 *
 * @example
 * ```ts
 * // infra: new NodejsFunction(this, 'Consumer', { entry: 'functions/consumer/handler.ts', handler: 'handler' });
 * ```
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const traces = await telemetry();
  try {
    return await (
      await consumer()
    )(event, context);
  } finally {
    // Lambda freezes the instance once the handler returns: export the invocation's spans now.
    await traces.flush();
  }
};
