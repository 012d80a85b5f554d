import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  deadLetterQueueName,
  queueName,
  visibilityTimeoutSeconds,
  type Channel,
} from '../../core/channels/channel-config.js';
import { keysTableNameOf, type ResourceConfig } from '../../core/config/aws-config.js';
import { jobsTableDefinition } from '../../core/jobs/table-schema.js';
import { keysTableDefinition, type TableDefinition } from '../../core/keys/keys-table-schema.js';
import { limitsTableDefinition } from '../../core/limits/limits-table-schema.js';

/** How long a DLQ keeps a message: SQS's maximum, 14 days. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/** Overrides of queue settings for local runs (tests shorten the visibility timeout). */
export interface ProvisionOverrides {
  visibilityTimeoutSeconds?: number;
}

async function createFifoQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        // High-throughput FIFO, as deployed (LocalStack ignores these two).
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        ...attributes,
      },
    }),
  );
  if (QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  return QueueUrl;
}

/** Creates the table unless it exists (on-demand capacity, as deployed). */
async function ensureTable(dynamo: DynamoDBClient, table: TableDefinition): Promise<void> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: table.TableName }));
    return;
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as Error).name !== 'ResourceNotFoundException'
    )
      throw error;
  }
  await dynamo.send(new CreateTableCommand({ ...table, BillingMode: 'PAY_PER_REQUEST' }));
}

/**
 * Creates the jobs table, the API keys table, the limits table (when
 * `resources` names one) and, per channel, the FIFO queue and its FIFO
 * dead-letter queue, from the same channel config the CDK app uses. Safe to
 * run again (CreateQueue and the table check are idempotent).
 *
 * @example
 * ```ts
 * await provisionResources({ sqs, dynamodb }, CHANNELS, { tableName: 'sluice-jobs', queuePrefix: 'sluice' });
 * ```
 */
export async function provisionResources(
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient },
  channels: readonly Channel[],
  resources: ResourceConfig,
  overrides: ProvisionOverrides = {},
): Promise<void> {
  await ensureTable(clients.dynamodb, jobsTableDefinition(resources.tableName));
  await ensureTable(clients.dynamodb, keysTableDefinition(keysTableNameOf(resources)));
  if (resources.limitsTableName !== undefined) {
    await ensureTable(clients.dynamodb, limitsTableDefinition(resources.limitsTableName));
  }
  await Promise.all(
    channels.map(async (channel) => {
      const dlqUrl = await createFifoQueue(
        clients.sqs,
        deadLetterQueueName(resources.queuePrefix, channel),
        {
          MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
        },
      );
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      );
      await createFifoQueue(clients.sqs, queueName(resources.queuePrefix, channel), {
        VisibilityTimeout: String(
          overrides.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(channel),
        ),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: channel.maxReceiveCount,
        }),
      });
    }),
  );
}
