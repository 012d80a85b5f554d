import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { resolveChannelQueues, type ChannelQueues } from '../../core/aws/queue-directory.js';
import { defineChannels, type Channel } from '../../core/channels/channel-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import {
  encodeEnvelope,
  messageGroupId,
  type MessageEnvelope,
} from '../../core/envelope/message-envelope.js';
import { createJobIdGenerator } from '../../core/jobs/job-ids.js';
import type { JobKey, JobRecord } from '../../core/jobs/job.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { isTerminal } from '../../core/jobs/state-machine.js';
import { createLogger, type Logger } from '../../core/logging/logger.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { buildSqsEvent } from '../../local/runner/build-sqs-event.js';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';

/** The region tests name. */
export const TEST_REGION = 'us-east-1';
const TABLE_NAME = 'sluice-jobs';
const POLL_INTERVAL_MS = 25;
const DEFAULT_WAIT_MS = 20_000;

/** Real emulators, clients and table for the tests of functions/ and the runner. */
export interface FunctionTestBed {
  /** Endpoints of the emulators, for processes the test starts. */
  endpoints: { sqs: string; dynamo: string };
  /** The jobs table's name. */
  tableName: string;
  clients: AwsClients;
  table: JobsTable;
  logger: Logger;
  /**
   * Creates a fresh queue and DLQ for a copy of the `default` channel with
   * the given changes, so each test sees only its own messages.
   */
  newChannel(
    changes?: Partial<Channel>,
    overrides?: { visibilityTimeoutSeconds?: number },
  ): Promise<ChannelQueues>;
  stop(): Promise<void>;
}

/**
 * Starts the embedded emulators (each its own process) and the jobs table.
 *
 * @example
 * ```ts
 * let bed: FunctionTestBed;
 * beforeAll(async () => { bed = await startFunctionTestBed(); });
 * afterAll(() => bed.stop());
 * ```
 */
export async function startFunctionTestBed(): Promise<FunctionTestBed> {
  const emulators: EmbeddedEmulators = await startEmbeddedEmulators();
  const clients = createAwsClients({
    region: TEST_REGION,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  const base = CHANNELS.find((channel) => channel.name === 'default');
  if (base === undefined) throw new Error('the default channel is not declared');
  await provisionResources(clients, [], { tableName: TABLE_NAME, queuePrefix: 'unused' });
  let counter = 0;
  return {
    endpoints: { sqs: emulators.sqsEndpoint, dynamo: emulators.dynamoEndpoint },
    tableName: TABLE_NAME,
    clients,
    table: new JobsTable({ client: clients.documents, tableName: TABLE_NAME }),
    logger: createLogger('test', process.env.SLUICE_TEST_LOGS === '1' ? 'debug' : 'silent'),
    newChannel: async (changes = {}, overrides = {}) => {
      counter += 1;
      const [channel] = defineChannels([{ ...base, ...changes }]);
      if (channel === undefined) throw new Error('no channel');
      const prefix = `t${String(counter)}`;
      await provisionResources(
        clients,
        [channel],
        { tableName: TABLE_NAME, queuePrefix: prefix },
        overrides,
      );
      const queues = (await resolveChannelQueues(clients.sqs, [channel], prefix)).get(channel.name);
      if (queues === undefined) throw new Error('queues not created');
      return queues;
    },
    stop: async () => {
      destroyAwsClients(clients);
      await emulators.stop();
    },
  };
}

const nextJobId = createJobIdGenerator();

/**
 * A job's envelope as the front builds it. `payload` is JSON-encoded unless
 * it is already bytes.
 *
 * @example
 * ```ts
 * const envelope = testEnvelope('sleep', { ms: 10 }, { groupKey: 'g1' });
 * ```
 */
export function testEnvelope(
  type: string,
  payload: unknown,
  overrides: Partial<MessageEnvelope> = {},
): MessageEnvelope {
  return {
    jobId: nextJobId(),
    tenant: 'default',
    channel: 'default',
    type,
    payload: payload instanceof Uint8Array ? payload : Buffer.from(JSON.stringify(payload)),
    contentType: 'application/json',
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    submitToken: randomUUID(),
    createdAt: Date.now(),
    ...overrides,
  };
}

/** The key of an envelope's job. */
export function keyOf(envelope: MessageEnvelope): JobKey {
  return { tenant: envelope.tenant, jobId: envelope.jobId };
}

/**
 * Sends a job's message the way the front does: body from `encodeEnvelope`,
 * group from `messageGroupId`, deduplication id = job id.
 */
export async function sendJob(
  bed: FunctionTestBed,
  queues: ChannelQueues,
  envelope: MessageEnvelope,
): Promise<void> {
  await bed.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.queueUrl,
      MessageBody: encodeEnvelope(envelope),
      MessageGroupId: messageGroupId(envelope),
      MessageDeduplicationId: envelope.jobId,
    }),
  );
}

/**
 * Receives `count` messages from a queue (several receives if the emulator
 * hands out one per group) and wraps them in an `SQSEvent` as Lambda would.
 */
export async function receiveEvent(
  bed: FunctionTestBed,
  queueUrl: string,
  count: number,
): Promise<SQSEvent> {
  const messages: Message[] = [];
  const deadline = Date.now() + DEFAULT_WAIT_MS;
  while (messages.length < count) {
    if (Date.now() > deadline) throw new Error(`received ${messages.length} of ${count} messages`);
    const { Messages = [] } = await bed.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - messages.length),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  const { Attributes } = await bed.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return buildSqsEvent(messages, { queueArn: Attributes?.QueueArn ?? '', region: TEST_REGION });
}

/** A Lambda context with `remainingMs` left. */
export function testContext(remainingMs = 30_000): {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
} {
  const deadline = Date.now() + remainingMs;
  return {
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Polls a job's record until `predicate` holds (records are polled: no events exist). */
export async function waitForJob(
  table: JobsTable,
  key: JobKey,
  predicate: (record: JobRecord) => boolean,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await table.get(key);
    if (record !== undefined && predicate(record)) return record;
    if (Date.now() > deadline) {
      throw new Error(`job ${key.jobId} still ${record?.state ?? 'absent'} after ${timeoutMs} ms`);
    }
    await delay(POLL_INTERVAL_MS);
  }
}

/** Waits until a job is terminal and returns its record. */
export function waitForTerminal(table: JobsTable, key: JobKey): Promise<JobRecord> {
  return waitForJob(table, key, (record) => isTerminal(record.state));
}
