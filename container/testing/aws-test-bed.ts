import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { resolveChannelQueues, type ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Channel } from '../../core/channels/channel-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { keysTableNameOf, type ResourceConfig } from '../../core/config/aws-config.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { provisionResources } from '../../local/provision/provision-resources.js';

/** The region every test client uses. */
const TEST_REGION = 'us-east-1';
/** Emulators accept any credentials. */
const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Real emulators with the channels' queues, a jobs table and a keys table, for one test file. */
export interface AwsTestBed {
  readonly emulators: EmbeddedEmulators;
  readonly clients: AwsClients;
  readonly resources: ResourceConfig;
  /** The region the clients use. */
  readonly region: string;
  /** The channels whose queues were provisioned. */
  readonly channels: readonly Channel[];
  readonly table: JobsTable;
  readonly queues: ReadonlyMap<string, ChannelQueues>;
  /** The default channel's queue URL. */
  readonly queueUrl: string;
  /** The environment a front process needs to use these resources. */
  readonly frontEnv: NodeJS.ProcessEnv;
  /** Messages in a queue (default: the default channel's), visible or in flight. */
  queueDepth(queueUrl?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * An SQS client for tests at `endpoint` (an emulator or a fault proxy);
 * `maxAttempts: 1` leaves retrying to the code under test.
 *
 * @example
 * ```ts
 * const sqs = testSqsClient(proxy.endpoint, { maxAttempts: 1 });
 * ```
 */
export function testSqsClient(endpoint: string, options: { maxAttempts?: number } = {}): SQSClient {
  return new SQSClient({
    region: TEST_REGION,
    endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: options.maxAttempts,
  });
}

/** A queue's messages by where they are: waiting to be received, or received and not yet deleted. */
export interface QueueCounts {
  visible: number;
  inFlight: number;
}

/**
 * The messages of `queueUrl`, visible and in flight (SQS's approximate
 * counts, exact on the emulator): what "its message waits in the queue"
 * checks.
 *
 * @example
 * ```ts
 * const { visible, inFlight } = await queueCounts(sqs, queueUrl);
 * ```
 */
export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Messages in `queueUrl`, visible or in flight (what "nothing enqueued" checks). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { visible, inFlight } = await queueCounts(sqs, queueUrl);
  return visible + inFlight;
}

/**
 * Starts the embedded emulators (child processes on 127.0.0.1) and
 * provisions the channels' queues and the jobs table named by `resources`.
 *
 * @example
 * ```ts
 * const bed = await startAwsTestBed({ tableName: 'jobs', queuePrefix: 'test' });
 * const twoChannels = await startAwsTestBed(resources, defineChannels([...CHANNELS, second]));
 * await bed.stop();
 * ```
 */
export async function startAwsTestBed(
  resources: ResourceConfig,
  channels: readonly Channel[] = CHANNELS,
): Promise<AwsTestBed> {
  const emulators = await startEmbeddedEmulators();
  const clients = createAwsClients({
    region: TEST_REGION,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  await provisionResources(clients, channels, resources);
  const queues = await resolveChannelQueues(clients.sqs, channels, resources.queuePrefix);
  const queueUrl = queues.get('default')?.queueUrl ?? '';
  return {
    emulators,
    clients,
    resources,
    region: TEST_REGION,
    channels,
    table: new JobsTable({ client: clients.documents, tableName: resources.tableName }),
    queues,
    queueUrl,
    frontEnv: {
      PATH: process.env.PATH,
      AWS_REGION: TEST_REGION,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      SLUICE_TABLE_NAME: resources.tableName,
      SLUICE_KEYS_TABLE_NAME: keysTableNameOf(resources),
      SLUICE_QUEUE_PREFIX: resources.queuePrefix,
      SLUICE_HOST: '127.0.0.1',
      SLUICE_PORT: '0',
      SLUICE_HEALTH_PORT: '0',
      SLUICE_WEB_PORT: '0',
      SLUICE_LOG_LEVEL: 'silent',
      // Tests of other concerns run open; the auth tests ask for api-keys.
      SLUICE_AUTH: 'open',
    },
    queueDepth: (url = queueUrl) => queueDepth(clients.sqs, url),
    stop: async () => {
      destroyAwsClients(clients);
      await emulators.stop();
    },
  };
}
