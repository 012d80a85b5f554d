import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { resolveChannelQueues } from '../../core/aws/queue-directory.js';
import { CHANNELS } from '../../core/channels/channels.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import {
  startCountedEmulators,
  countCalls,
  type CountedEmulators,
} from '../system/counted-emulators.js';

let aws: CountedEmulators;
let clients: AwsClients;
let queueUrl: string;
let table: JobsTable;

beforeAll(async () => {
  aws = await startCountedEmulators();
  clients = createAwsClients({ region: 'us-east-1', endpoint: aws.endpoint });
  await provisionResources(clients, CHANNELS, { tableName: 'jobs', queuePrefix: 'bench' });
  const queue = (await resolveChannelQueues(clients.sqs, CHANNELS, 'bench')).get('default');
  if (queue === undefined) throw new Error('no queue');
  queueUrl = queue.queueUrl;
  table = new JobsTable({ client: clients.documents, tableName: 'jobs' });
});

afterAll(async () => {
  destroyAwsClients(clients);
  await aws.stop();
});

function record(jobId: string): JobRecord {
  return {
    tenant: 'default',
    jobId,
    channel: 'default',
    type: 'echo',
    state: 'QUEUED',
    version: 1,
    attempts: 0,
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    contentType: 'application/json',
    sequenceNumber: '1',
    submitToken: 't',
    createdAt: 1,
    updatedAt: 1,
    transitions: [{ state: 'QUEUED', version: 1, at: 1 }],
  };
}

describe('CallCountingObserver on the AWS proxy', () => {
  it('counts a 10-entry SendMessageBatch as one billable request with ten entries', async () => {
    const { calls } = await countCalls(aws, () =>
      clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Id: String(i),
            MessageBody: 'x',
            MessageGroupId: `g${i}`,
            MessageDeduplicationId: `send-${i}`,
          })),
        }),
      ),
    );
    expect(calls.operations['sqs:SendMessageBatch']).toMatchObject({
      calls: 1,
      entries: 10,
      billableRequests: 1,
    });
  });

  it('infers one Lambda invocation from a receive that returned messages', async () => {
    const { calls } = await countCalls(aws, async () => {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      await clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      return Messages.length;
    });
    expect(calls.lambda.invocations).toBe(1);
    expect(calls.lambda.messages).toBeGreaterThan(0);
  });

  it('takes DynamoDB write units from the emulator and charges a failed conditional write', async () => {
    const { calls } = await countCalls(aws, async () => {
      await table.create(record('J00000000000000000000000001'));
      await table.create(record('J00000000000000000000000001'));
    });
    expect(calls.operations['dynamodb:PutItem']).toMatchObject({
      calls: 2,
      errors: 1,
      writeUnits: 2,
    });
  });

  it('counts the keys of a BatchGetItem and its read units', async () => {
    await table.create(record('J00000000000000000000000002'));
    const { calls } = await countCalls(aws, () =>
      table.batchGet([
        { tenant: 'default', jobId: 'J00000000000000000000000001' },
        { tenant: 'default', jobId: 'J00000000000000000000000002' },
      ]),
    );
    expect(calls.operations['dynamodb:BatchGetItem']).toMatchObject({
      calls: 1,
      entries: 2,
      readUnits: 2,
    });
  });
});
