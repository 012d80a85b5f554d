import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { resolveChannelQueues } from '../../core/aws/queue-directory.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { startEmbeddedEmulators, type EmbeddedEmulators } from '../emulators/embedded-emulators.js';
import { provisionResources } from '../provision/provision-resources.js';
import { AWS_ERRORS, FORWARD_ALL, type AwsFaultDecision } from './aws-faults.js';
import { REPORT_PATH, startAwsProxy, type AwsExchange, type AwsProxy } from './aws-proxy.js';

const RESOURCES = { tableName: 'proxy-jobs', queuePrefix: 'proxy' };
const REGION = 'us-east-1';
/** Emulators accept any credentials. */
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Clients through the proxy, with one attempt: its faults reach the test as the SDK reads them. */
interface ProxiedClients {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

let emulators: EmbeddedEmulators;
let direct: AwsClients;
let proxied: ProxiedClients;
let proxy: AwsProxy;
let queueUrl: string;
const exchanges: AwsExchange[] = [];

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  direct = createAwsClients({
    region: REGION,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  await provisionResources(direct, CHANNELS, RESOURCES);
  proxy = await startAwsProxy({
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.dynamoEndpoint,
    observer: { observe: (exchange) => exchanges.push(exchange), report: () => exchanges.length },
  });
  const options = { region: REGION, endpoint: proxy.endpoint, credentials: CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...options, maxAttempts: 1 });
  proxied = {
    sqs: new SQSClient({ ...options, maxAttempts: 1 }),
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
  };
  const queues = await resolveChannelQueues(direct.sqs, CHANNELS, RESOURCES.queuePrefix);
  queueUrl = queues.get('default')?.queueUrl ?? '';
});

afterAll(async () => {
  await proxy.close();
  proxied.sqs.destroy();
  proxied.dynamodb.destroy();
  destroyAwsClients(direct);
  await emulators.stop();
});

afterEach(() => proxy.setPlan(FORWARD_ALL));

/** Applies `decision` to every call of `action`, forwards the rest. */
function onEvery(action: string, decision: AwsFaultDecision): void {
  proxy.setPlan((call) => (call.action === action ? decision : { kind: 'forward' }));
}

const put = (id: string): Promise<unknown> =>
  proxied.documents.send(new PutCommand({ TableName: RESOURCES.tableName, Item: { pk: id } }));
const storedDirectly = async (id: string): Promise<boolean> => {
  const { Item } = await direct.documents.send(
    new GetCommand({ TableName: RESOURCES.tableName, Key: { pk: id } }),
  );
  return Item !== undefined;
};
const messagesQueued = async (): Promise<number> => {
  const { Attributes } = await direct.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};
const send = (body: string): Promise<unknown> =>
  proxied.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageGroupId: 'g',
      MessageDeduplicationId: body,
    }),
  );

describe('AwsProxy', () => {
  it('forwards calls of both services unchanged and counts them by operation', async () => {
    const before = proxy.calls.get('ListTables') ?? 0;
    const { TableNames } = await proxied.dynamodb.send(new ListTablesCommand({}));
    expect(TableNames).toContain(RESOURCES.tableName);
    await put('counted');
    expect(await storedDirectly('counted')).toBe(true);
    expect((proxy.calls.get('ListTables') ?? 0) - before).toBe(1);
    expect(proxy.calls.get('PutItem')).toBeGreaterThanOrEqual(1);
  });

  it('injects a throttle the SQS SDK reads by name, and the call never reaches the queue', async () => {
    const queued = await messagesQueued();
    onEvery('SendMessage', { kind: 'fail', ...AWS_ERRORS.sqs.throttling });
    await expect(send('throttled')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(await messagesQueued()).toBe(queued);
  });

  it('injects a refusal and a 5xx the DynamoDB SDK reads by name and status', async () => {
    onEvery('PutItem', { kind: 'fail', status: 400, errorType: 'ValidationException' });
    await expect(put('refused')).rejects.toMatchObject({ name: 'ValidationException' });
    onEvery('PutItem', { kind: 'fail', ...AWS_ERRORS.dynamodb.serverError });
    await expect(put('failed')).rejects.toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    expect(await storedDirectly('refused')).toBe(false);
    expect(await storedDirectly('failed')).toBe(false);
  });

  it('drops the answer of a call it forwarded: applied, but the caller sees only a broken connection', async () => {
    onEvery('PutItem', { kind: 'drop', when: 'after' });
    await expect(put('applied-lost')).rejects.toThrow();
    expect(await storedDirectly('applied-lost')).toBe(true);
  });

  it('drops a call before forwarding it: never applied', async () => {
    onEvery('PutItem', { kind: 'drop', when: 'before' });
    await expect(put('never-applied')).rejects.toThrow();
    expect(await storedDirectly('never-applied')).toBe(false);
  });

  it('holds a call until it is released, and counts the faults it injected by kind', async () => {
    let release = (): void => undefined;
    const until = new Promise<void>((resolve) => (release = resolve));
    const delays = proxy.faults.get('delay') ?? 0;
    onEvery('PutItem', { kind: 'forward', until });
    const held = put('held');
    while ((proxy.faults.get('delay') ?? 0) === delays) await new Promise(setImmediate);
    expect(await storedDirectly('held')).toBe(false);
    release();
    await held;
    expect(await storedDirectly('held')).toBe(true);
    expect(proxy.faults.get('delay')).toBe(delays + 1);
  });

  it('rewrites the answer a service gave before the client reads it', async () => {
    onEvery('ListTables', {
      kind: 'rewrite',
      rewrite: (answer) => ({ ...answer, TableNames: ['rewritten'] }),
    });
    const { TableNames } = await proxied.dynamodb.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(['rewritten']);
  });

  it('shows its observer every exchange and reports its counts over HTTP', async () => {
    const seen = exchanges.length;
    await proxied.dynamodb.send(new ListTablesCommand({}));
    expect(exchanges.slice(seen)).toEqual([
      expect.objectContaining({
        target: { service: 'dynamodb', action: 'ListTables' },
        status: 200,
      }),
    ]);
    const report = await (await fetch(`${proxy.endpoint}${REPORT_PATH}`)).json();
    expect(report).toMatchObject({
      calls: { ListTables: proxy.calls.get('ListTables') },
      observed: exchanges.length,
    });
  });
});
