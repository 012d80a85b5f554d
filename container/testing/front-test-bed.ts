import { setTimeout as delay } from 'node:timers/promises';
import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Channel } from '../../core/channels/channel-config.js';
import { createLogger } from '../../core/logging/logger.js';
import {
  JobServiceClient,
  type SubmitJobRequest,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { FIELD_METADATA_KEY } from '../service/error-status.js';
import { startFront, type FrontOptions, type RunningFront } from '../server/start-front.js';
import { startAwsTestBed, type AwsTestBed } from './aws-test-bed.js';

/** An `AwsTestBed` that also starts in-process fronts over real gRPC. */
export interface FrontTestBed extends AwsTestBed {
  /** Starts a front on 127.0.0.1 (free ports, silent logs, the bed's channels); stopped by `stop`. */
  startFront(options?: Partial<FrontOptions>): Promise<TestFront>;
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
    await delay(5);
  }
}

/**
 * Starts the emulators with the channels' queues (the deployment's
 * `CHANNELS` unless given) and a jobs table under `queuePrefix`
 * (`startAwsTestBed`), for in-process fronts over real gRPC.
 *
 * @example
 * ```ts
 * const bed = await startFrontTestBed('svc');
 * const { client } = await bed.startFront();
 * await bed.stop();
 * ```
 */
export async function startFrontTestBed(
  queuePrefix: string,
  channels?: readonly Channel[],
): Promise<FrontTestBed> {
  const aws = await startAwsTestBed({ tableName: `${queuePrefix}-jobs`, queuePrefix }, channels);
  const started: TestFront[] = [];
  return {
    ...aws,
    startFront: async (options = {}) => {
      const front = await startFront({
        sqs: aws.clients.sqs,
        dynamodb: aws.clients.dynamodb,
        table: aws.table,
        queues: aws.queues,
        channels: aws.channels,
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
    stop: async () => {
      for (const { client, front } of started) {
        client.close();
        await front.shutdown();
      }
      await aws.stop();
    },
  };
}
