import type { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../core/aws/aws-clients.js';
import { findChannel, type Channel } from '../../core/channels/channel-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { readAwsEnvironment } from '../../core/config/aws-config.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { createLogger, type Logger } from '../../core/logging/logger.js';
import { ValidationError } from '../../core/errors/index.js';

/** The environment variable naming the channel a function serves. */
export const CHANNEL_ENVIRONMENT_VARIABLE = 'SLUICE_CHANNEL';

/** What a Lambda function of one channel builds once per cold start. */
export interface ChannelEnvironment {
  channel: Channel;
  /** Queue names are `<queuePrefix>-<channel>.fifo` (see core/aws/queue-directory.ts). */
  queuePrefix: string;
  table: JobsTable;
  sqs: SQSClient;
  logger: Logger;
}

/**
 * Builds a channel function's dependencies from its environment: the AWS
 * clients (`AWS_REGION`, `AWS_ENDPOINT_URL*`), the jobs table
 * (`SLUICE_TABLE_NAME`), the channel (`SLUICE_CHANNEL`, declared in
 * `core/channels/channels.ts`) and the queue prefix (`SLUICE_QUEUE_PREFIX`).
 * Throws a `ValidationError` for a missing or unknown channel. Synchronous and
 * network-free: callers resolve what they need (the consumer, its queue URL).
 *
 * @example
 * ```ts
 * const { channel, table, sqs, logger } = loadChannelEnvironment(process.env, 'consumer');
 * ```
 */
export function loadChannelEnvironment(
  env: NodeJS.ProcessEnv,
  component: string,
): ChannelEnvironment {
  const channelName = env[CHANNEL_ENVIRONMENT_VARIABLE] ?? '';
  const channel = findChannel(CHANNELS, channelName);
  if (channel === undefined) {
    throw new ValidationError(`${CHANNEL_ENVIRONMENT_VARIABLE}: unknown channel "${channelName}"`, {
      field: CHANNEL_ENVIRONMENT_VARIABLE,
    });
  }
  const { aws, resources } = readAwsEnvironment(env);
  const clients = createAwsClients(aws);
  return {
    channel,
    queuePrefix: resources.queuePrefix,
    table: new JobsTable({
      client: clients.documents,
      tableName: resources.tableName,
      listShards: resources.listShards,
    }),
    sqs: clients.sqs,
    logger: createLogger(component),
  };
}

/**
 * Memoises an async factory for the life of a Lambda instance: built on the
 * first invocation (so importing a handler module has no side effects), and
 * built again on the next one if building failed.
 *
 * @example
 * ```ts
 * const consumer = lazily(async () => createConsumerHandler(...));
 * export const handler = async (event, context) => (await consumer())(event, context);
 * ```
 */
export function lazily<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
