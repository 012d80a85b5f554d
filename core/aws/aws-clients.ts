import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from '../config/aws-config.js';

/** Sockets kept open per client: enough for many concurrent batches. */
const MAX_SOCKETS = 64;
/** The SDK's own retries (throttling, 5xx, dropped connections). */
const MAX_ATTEMPTS = 4;
/** Credentials for emulators, which accept any. Never used against AWS itself. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'sluice-local', secretAccessKey: 'sluice-local' };

/** The AWS clients every part of Sluice uses, built once per process. */
export interface AwsClients {
  sqs: SQSClient;
  /** The plain DynamoDB client (table management). */
  dynamodb: DynamoDBClient;
  /** The document client over it (job records). */
  documents: DynamoDBDocumentClient;
}

function requestHandler(): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    httpsAgent: new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  });
}

function credentialsFor(endpoint: string | undefined): typeof EMULATOR_CREDENTIALS | undefined {
  const hasOwn =
    process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  return endpoint !== undefined && !hasOwn ? EMULATOR_CREDENTIALS : undefined;
}

/**
 * Builds the SQS and DynamoDB clients with keep-alive connections, pointed at
 * AWS, LocalStack or the embedded emulators by `config`.
 *
 * @example
 * ```ts
 * const { sqs, documents } = createAwsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' });
 * ```
 */
export function createAwsClients(config: AwsConfig): AwsClients {
  const sqsEndpoint = config.sqsEndpoint ?? config.endpoint;
  const dynamoEndpoint = config.dynamoEndpoint ?? config.endpoint;
  const sqs = new SQSClient({
    region: config.region,
    endpoint: sqsEndpoint,
    credentials: credentialsFor(sqsEndpoint),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: requestHandler(),
  });
  const dynamodb = new DynamoDBClient({
    region: config.region,
    endpoint: dynamoEndpoint,
    credentials: credentialsFor(dynamoEndpoint),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: requestHandler(),
  });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { sqs, dynamodb, documents };
}

/** Closes the clients' sockets so a process can exit promptly. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.sqs.destroy();
  clients.documents.destroy();
  clients.dynamodb.destroy();
}
