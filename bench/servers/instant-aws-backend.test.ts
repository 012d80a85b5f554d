import { GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { startInstantAwsBackend, type InstantAwsBackend } from './instant-aws-backend.js';

let backend: InstantAwsBackend;
let clients: AwsClients;
beforeAll(async () => {
  backend = await startInstantAwsBackend();
  clients = createAwsClients({ region: 'us-east-1', endpoint: backend.endpoint });
});
afterAll(async () => {
  destroyAwsClients(clients);
  await backend.close();
});

describe('instant AWS backend (bench only)', () => {
  it('answers a SendMessageBatch the SQS SDK accepts (MD5 of each body checked), in rising sequence', async () => {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'q.fifo' }));
    const response = await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['a', 'bb'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: 'g',
          MessageDeduplicationId: body,
        })),
      }),
    );
    const sequence = (response.Successful ?? []).map((s) => s.SequenceNumber ?? '');
    expect(sequence).toHaveLength(2);
    expect(sequence[0]! < sequence[1]!).toBe(true);
    expect(backend.counts()['sqs:SendMessageBatch']).toEqual({ calls: 1, entries: 2 });
  });

  it('lets a conditional create succeed and a read find nothing, through the jobs table code', async () => {
    const table = new JobsTable({ client: clients.documents, tableName: 'any' });
    await expect(table.get({ tenant: 'default', jobId: 'x' })).resolves.toBeUndefined();
    expect(backend.counts()['dynamodb:GetItem']?.calls).toBe(1);
  });
});
