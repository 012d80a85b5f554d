import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from '../config/aws-config.js';
import { ValidationError } from '../errors/index.js';
import { addAwsCallSpans } from '../telemetry/aws-call-spans.js';
import { BurstTolerantRetryStrategy } from './burst-tolerant-retry-strategy.js';

/** Sockets kept open per client: enough for many concurrent batches. */
const MAX_SOCKETS = 64;
/** The SDK's own retries (throttling, 5xx, dropped connections). */
const MAX_ATTEMPTS = 4;
/**
 * An idle pooled socket is closed after this, or 1 s before the idle timeout
 * a server announces in its `Keep-Alive` header, whichever comes first. Node
 * honours that header only when the agent has a timeout of its own; without
 * one, a socket the server is closing (dynalite and Node servers close idle
 * ones after 5 s) can be handed to the next call, which fails with "socket
 * hang up".
 */
const IDLE_SOCKET_TIMEOUT_MS = 50_000;
/**
 * How long one HTTP attempt may take before it is abandoned (and retried by
 * the SDK). Without one, a call whose answer never comes — a black-holed
 * connection — hangs its caller forever: the SDK sets no timeout of its own.
 * DynamoDB answers single-item calls in milliseconds; SQS calls include long
 * polls of up to 20 s.
 */
export interface AwsRequestTimeouts {
  /** Per SQS attempt; above SQS's longest long poll (20 s). */
  sqsRequestTimeoutMs: number;
  /** Per DynamoDB attempt; all attempts together stay well inside a client's 30 s deadline. */
  dynamoRequestTimeoutMs: number;
}

/**
 * The timeouts unless told otherwise.
 *
 * @example
 * ```ts
 * createAwsClients(config, { ...DEFAULT_AWS_REQUEST_TIMEOUTS, dynamoRequestTimeoutMs: 2_000 });
 * ```
 */
export const DEFAULT_AWS_REQUEST_TIMEOUTS: Readonly<AwsRequestTimeouts> = Object.freeze({
  sqsRequestTimeoutMs: 30_000,
  dynamoRequestTimeoutMs: 5_000,
});

/** Credentials for emulators, which accept any. Never used against AWS itself. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'sluice-local', secretAccessKey: 'sluice-local' };
/** Host names of this machine: only endpoints there may get the emulator credentials. */
const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The AWS clients every part of Sluice uses, built once per process. */
export interface AwsClients {
  sqs: SQSClient;
  /** The plain DynamoDB client (table management). */
  dynamodb: DynamoDBClient;
  /** The document client over it (job records). */
  documents: DynamoDBDocumentClient;
}

/**
 * The request timeout spans the whole attempt, connecting included (and the
 * wait for a free socket, so no separate, shorter connect timeout that a busy
 * pool could trip).
 */
function requestHandler(requestTimeoutMs: number): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      timeout: IDLE_SOCKET_TIMEOUT_MS,
    }),
    httpsAgent: new Agent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      timeout: IDLE_SOCKET_TIMEOUT_MS,
    }),
    requestTimeout: requestTimeoutMs,
    // Otherwise the handler only logs a warning when the timeout passes.
    throwOnRequestTimeout: true,
  });
}

/** One per client: its quota covers that client's socket pool. */
function retryStrategy(): BurstTolerantRetryStrategy {
  return new BurstTolerantRetryStrategy({ maxAttempts: MAX_ATTEMPTS, concurrency: MAX_SOCKETS });
}

/**
 * Whether `endpoint` is on this machine (127.0.0.0/8, `localhost`, `[::1]`):
 * an emulator, never AWS.
 *
 * @example
 * ```ts
 * isLoopbackEndpoint('http://127.0.0.1:4566'); // true
 * isLoopbackEndpoint('https://sqs.eu-west-1.amazonaws.com'); // false
 * ```
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const { hostname } = new URL(endpoint);
  return LOOPBACK_HOSTS.has(hostname) || LOOPBACK_IPV4.test(hostname);
}

/**
 * The emulator credentials only for a client whose endpoint is loopback, when
 * no credentials of one's own are set; anything else (AWS, a LocalStack on
 * another host) gets the SDK's own credential chain. Decided per client: a
 * client without an endpoint (one a caller never uses, say) talks to AWS and
 * must never be handed the emulator's credentials, nor take them from the other.
 */
function credentialsFor(endpoint: string | undefined): typeof EMULATOR_CREDENTIALS | undefined {
  const hasOwn =
    process.env.AWS_ACCESS_KEY_ID !== undefined || process.env.AWS_PROFILE !== undefined;
  const loopback = endpoint !== undefined && isLoopbackEndpoint(endpoint);
  return loopback && !hasOwn ? EMULATOR_CREDENTIALS : undefined;
}

/**
 * Builds the SQS and DynamoDB clients with keep-alive connections, a
 * timeout on every attempt and a span per call inside a trace, pointed at AWS, LocalStack or the embedded
 * emulators by `config`.
 *
 * @example
 * ```ts
 * const { sqs, documents } = createAwsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' });
 * ```
 */
export function createAwsClients(
  config: AwsConfig,
  timeouts: AwsRequestTimeouts = DEFAULT_AWS_REQUEST_TIMEOUTS,
): AwsClients {
  const sqsEndpoint = config.sqsEndpoint ?? config.endpoint;
  const dynamoEndpoint = config.dynamoEndpoint ?? config.endpoint;
  const sqs = new SQSClient({
    region: config.region,
    endpoint: sqsEndpoint,
    credentials: credentialsFor(sqsEndpoint),
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy: retryStrategy(),
    requestHandler: requestHandler(timeouts.sqsRequestTimeoutMs),
  });
  const dynamodb = new DynamoDBClient({
    region: config.region,
    endpoint: dynamoEndpoint,
    credentials: credentialsFor(dynamoEndpoint),
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy: retryStrategy(),
    requestHandler: requestHandler(timeouts.dynamoRequestTimeoutMs),
  });
  addAwsCallSpans(sqs, 'SQS');
  addAwsCallSpans(dynamodb, 'DynamoDB');
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { sqs, dynamodb, documents };
}

/**
 * The region the clients will call, as the SDK resolves it (the config's
 * region, else `AWS_REGION`, else the profile's): call it at start-up, so a
 * process without a region fails there, saying what to set, instead of at its
 * first AWS call — and never falls back to a region nobody chose.
 *
 * @example
 * ```ts
 * const clients = createAwsClients(config.aws);
 * const region = await resolveAwsRegion(clients); // throws ValidationError (field AWS_REGION)
 * ```
 */
export async function resolveAwsRegion(clients: AwsClients): Promise<string> {
  let region: string | undefined;
  try {
    region = await clients.sqs.config.region();
  } catch (error) {
    throw missingRegion(error);
  }
  if (region === '') throw missingRegion(undefined);
  return region;
}

function missingRegion(cause: unknown): ValidationError {
  return new ValidationError(
    'no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS profile in use)',
    { field: 'AWS_REGION', cause },
  );
}

/** Closes the clients' sockets so a process can exit promptly. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.sqs.destroy();
  clients.documents.destroy();
  clients.dynamodb.destroy();
}
