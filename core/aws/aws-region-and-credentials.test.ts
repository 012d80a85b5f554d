import { ValidationError } from '../errors/index.js';
import { readAwsEnvironment } from '../config/aws-config.js';
import {
  createAwsClients,
  destroyAwsClients,
  isLoopbackEndpoint,
  resolveAwsRegion,
  type AwsClients,
} from './aws-clients.js';

/** Variables through which the SDK could find a region or credentials of this machine's user. */
const AMBIENT = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];
const NO_FILE = '/nonexistent/sluice-test/aws';
const saved: NodeJS.ProcessEnv = { ...process.env };
const opened: AwsClients[] = [];

beforeAll(() => {
  for (const name of AMBIENT) delete process.env[name];
  // No shared config or credentials files, no instance metadata: only what the test sets.
  process.env.AWS_CONFIG_FILE = NO_FILE;
  process.env.AWS_SHARED_CREDENTIALS_FILE = NO_FILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterAll(() => {
  for (const clients of opened) destroyAwsClients(clients);
  process.env = saved;
});

function clientsFor(...args: Parameters<typeof createAwsClients>): AwsClients {
  const clients = createAwsClients(...args);
  opened.push(clients);
  return clients;
}

async function accessKeyIds(clients: AwsClients): Promise<(string | undefined)[]> {
  const ids = async (provider: () => Promise<{ accessKeyId: string }>) => {
    try {
      return (await provider()).accessKeyId;
    } catch {
      return undefined;
    }
  };
  return [
    await ids(clients.sqs.config.credentials),
    await ids(clients.dynamodb.config.credentials),
  ];
}

describe('the AWS region', () => {
  it('comes from AWS_REGION, else AWS_DEFAULT_REGION, and has no default', () => {
    expect(readAwsEnvironment({}).aws.region).toBeUndefined();
    expect(readAwsEnvironment({ AWS_DEFAULT_REGION: 'eu-west-1' }).aws.region).toBe('eu-west-1');
    expect(
      readAwsEnvironment({ AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-west-1' }).aws
        .region,
    ).toBe('eu-central-1');
  });

  it('fails clearly at start-up when nothing names one, never defaulting to us-east-1', async () => {
    const clients = clientsFor(readAwsEnvironment({}).aws);
    let thrown: unknown;
    try {
      await resolveAwsRegion(clients);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: 'AWS_REGION', message: /set AWS_REGION/ });
  });

  it('is the configured one when given', async () => {
    const clients = clientsFor(readAwsEnvironment({ AWS_DEFAULT_REGION: 'ap-south-1' }).aws);
    expect(await resolveAwsRegion(clients)).toBe('ap-south-1');
  });
});

describe('the emulator credentials', () => {
  it('recognise loopback endpoints only', () => {
    for (const endpoint of [
      'http://127.0.0.1:4566',
      'http://127.8.9.10:1',
      'http://localhost:8000',
      'http://[::1]:4566',
    ]) {
      expect({ endpoint, loopback: isLoopbackEndpoint(endpoint) }).toEqual({
        endpoint,
        loopback: true,
      });
    }
    for (const endpoint of [
      'https://sqs.eu-west-1.amazonaws.com',
      'http://localhost.localstack.cloud:4566',
      'http://128.0.0.1:4566',
      'http://10.0.0.5:4566',
    ]) {
      expect({ endpoint, loopback: isLoopbackEndpoint(endpoint) }).toEqual({
        endpoint,
        loopback: false,
      });
    }
  });

  it('are used when every endpoint is loopback', async () => {
    const clients = clientsFor({
      region: 'us-west-2',
      sqsEndpoint: 'http://127.0.0.1:1',
      dynamoEndpoint: 'http://[::1]:1',
    });
    expect(await accessKeyIds(clients)).toEqual(['sluice-local', 'sluice-local']);
  });

  it('are never sent to an endpoint off this machine, nor to AWS itself beside a loopback one', async () => {
    const remote = clientsFor({ region: 'us-west-2', endpoint: 'http://sqs.example.com' });
    expect(await accessKeyIds(remote)).toEqual([undefined, undefined]);
    // SQS on an emulator, DynamoDB on AWS: only the emulator's client gets them.
    const mixed = clientsFor({ region: 'us-west-2', sqsEndpoint: 'http://127.0.0.1:1' });
    expect(await accessKeyIds(mixed)).toEqual(['sluice-local', undefined]);
  });
});
