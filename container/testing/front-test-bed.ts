import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { resolveChannelQueues, type ChannelQueues } from '../../core/aws/queue-directory.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { createLogger } from '../../core/logging/logger.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import {
  JobServiceClient,
  type SubmitJobRequest,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { FIELD_METADATA_KEY } from '../service/error-status.js';
import { startFront, type FrontOptions, type RunningFront } from '../server/start-front.js';

/** Emulators, provisioned resources and AWS clients shared by a test file's fronts. */
export interface FrontTestBed {
  readonly emulators: EmbeddedEmulators;
  readonly clients: AwsClients;
  readonly table: JobsTable;
  readonly queues: ReadonlyMap<string, ChannelQueues>;
  /** Starts a front on 127.0.0.1 (free ports, silent logs); stopped by `stop`. */
  startFront(options?: Partial<FrontOptions>): Promise<TestFront>;
  /** Messages in the default channel's queue, visible or in flight. */
  queueDepth(): Promise<number>;
  stop(): Promise<void>;
}

/** A front under test and a generated client connected to it. */
export interface TestFront {
  readonly front: RunningFront;
  readonly client: JobServiceClient;
}

/** What a failed call reports: its code, message and the field it names. */
export interface CallFailure {
  code: number;
  details: string;
  field: string | undefined;
}

/** Calls a generated-client unary method as a promise. */
export function unary<Response>(
  call: (callback: (error: ServiceError | null, response: Response) => void) => unknown,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    call((error, response) => (error === null ? resolve(response) : reject(error)));
  });
}

/** The failure of a call that must fail (throws if it succeeded). */
export async function failureOf(call: Promise<unknown>): Promise<CallFailure> {
  try {
    await call;
  } catch (error) {
    const failure = error as ServiceError;
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, details: failure.details, field: fieldOf(failure.metadata) };
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** The `sluice-field` trailer of a status. */
export function fieldOf(metadata: Metadata | undefined): string | undefined {
  const value = metadata?.get(FIELD_METADATA_KEY)[0];
  return value === undefined ? undefined : String(value);
}

/** A submit request with test defaults (channel `default`, type `echo`, JSON payload). */
export function submitRequest(overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest {
  return {
    channel: 'default',
    type: 'echo',
    payload: Buffer.from('{"hello":"world"}'),
    contentType: 'application/json',
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    ...overrides,
  };
}

/** Waits for `condition` by re-checking it on every event-loop turn (with a deadline). */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Starts the embedded emulators and provisions the channels' queues and the
 * jobs table under `queuePrefix`, for in-process fronts over real gRPC.
 *
 * @example
 * ```ts
 * const bed = await startFrontTestBed('svc');
 * const { client } = await bed.startFront();
 * await bed.stop();
 * ```
 */
export async function startFrontTestBed(queuePrefix: string): Promise<FrontTestBed> {
  const emulators = await startEmbeddedEmulators();
  const clients = createAwsClients({
    region: 'us-east-1',
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  const resources = { tableName: `${queuePrefix}-jobs`, queuePrefix };
  await provisionResources(clients, CHANNELS, resources);
  const queues = await resolveChannelQueues(clients.sqs, CHANNELS, queuePrefix);
  const table = new JobsTable({ client: clients.documents, tableName: resources.tableName });
  const started: TestFront[] = [];
  return {
    emulators,
    clients,
    table,
    queues,
    startFront: async (options = {}) => {
      const front = await startFront({
        sqs: clients.sqs,
        table,
        queues,
        host: '127.0.0.1',
        port: 0,
        healthPort: 0,
        logger: createLogger('front-test', 'silent'),
        ...options,
      });
      const client = new JobServiceClient(
        `127.0.0.1:${front.grpcPort}`,
        credentials.createInsecure(),
      );
      const testFront = { front, client };
      started.push(testFront);
      return testFront;
    },
    queueDepth: async () => {
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queues.get('default')?.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    stop: async () => {
      for (const { client, front } of started) {
        client.close();
        await front.shutdown();
      }
      destroyAwsClients(clients);
      await emulators.stop();
    },
  };
}
