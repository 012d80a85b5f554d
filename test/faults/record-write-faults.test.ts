import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { destroyAwsClients, type AwsClients } from '../../core/aws/aws-clients.js';
import { deterministicJobId } from '../../core/jobs/job-ids.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import {
  recordingProcessors,
  type RecordingProcessors,
} from '../../functions/testing/recording-processors.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { ErrorInfo, ResourceInfo } from '../../proto/gen/ts/google/rpc/error_details.js';
import { Status } from '../../proto/gen/ts/google/rpc/status.js';
import { JobState, type SubmitJobResponse } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { SluiceClient } from '../../client/index.js';
import { clientFailure } from '../support/client-failure.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { OPEN_TENANT } from '../support/job-records.js';
import { startLocalConsumers } from '../support/local-consumers.js';
import { queueDepth } from '../support/queue-depth.js';
import { waitUntil } from '../support/wait-until.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { defaultQueueUrl } from './support/default-queue.js';
import { connectDirect } from './support/direct-aws.js';
import { AWS_ERRORS } from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy, type AwsProxy } from '../../local/aws-proxy/aws-proxy.js';

/**
 * More failed PutItem calls than one SDK call's attempts (4): only the
 * front's own retries of the record write get past them.
 */
const TRANSIENT_PUT_FAILURES = 6;
const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';
const RESOURCE_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ResourceInfo';

let emulators: EmbeddedEmulators;
let proxy: AwsProxy;
let system: TestSystem;
/** Clients straight to the emulators: consumers and checks never go through the faults. */
let direct: AwsClients;
let directTable: JobsTable;
let recording: RecordingProcessors;
/** The front's PutItem calls still to fail (negative: every one). */
let failPuts = 0;
/** Sees each of the front's DynamoDB and SQS calls before its fault is decided. */
let onCall: (action: string) => void = () => undefined;

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  proxy = await startAwsProxy({
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.dynamoEndpoint,
    plan: ({ action }) => {
      onCall(action);
      if (action !== 'PutItem' || failPuts === 0) return { kind: 'forward' };
      failPuts -= 1;
      return { kind: 'fail', ...AWS_ERRORS.dynamodb.serverError };
    },
  });
  system = await startTestSystem({ awsEndpoint: proxy.endpoint, consumers: false });
  ({ clients: direct, table: directTable } = connectDirect(emulators, system.runtime));
  recording = recordingProcessors();
});

afterAll(async () => {
  await system.stop();
  await proxy.close();
  destroyAwsClients(direct);
  await emulators.stop();
});

const messagesQueued = (): Promise<number> =>
  queueDepth(direct.sqs, defaultQueueUrl(system.runtime));

/** Runs the consumers (straight to the emulators) until `jobId` succeeded; resolves with its runs. */
async function runToSuccess(jobId: string): Promise<number> {
  const consumers = await startLocalConsumers({
    sqs: direct.sqs,
    table: directTable,
    region: system.runtime.aws.region,
    queues: system.runtime.queues,
    processors: recording.registry,
  });
  try {
    await waitUntil(
      async () => (await directTable.get({ tenant: OPEN_TENANT, jobId }))?.state === 'SUCCEEDED',
      { what: `job ${jobId} to succeed` },
    );
  } finally {
    await consumers.stop();
  }
  return recording.runsOf(jobId).length;
}

/** The status of a unary submit that must fail. */
async function failedSubmit(request = submitRequest({ type: 'echo' })): Promise<ServiceError> {
  try {
    await system.client.submit(request);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the submit succeeded but was expected to fail');
}

/** The `sluice-job-id` trailer of a status. */
function jobIdTrailer(metadata: Metadata): string | undefined {
  const value = metadata.get('sluice-job-id')[0];
  return value === undefined ? undefined : String(value);
}

describe('a submit whose record write DynamoDB fails after SQS accepted its message', () => {
  it('succeeds when the front’s own retries get the record written, and its job runs once', async () => {
    const before = await messagesQueued();
    const putsBefore = proxy.calls.get('PutItem') ?? 0;
    failPuts = TRANSIENT_PUT_FAILURES;
    let ack: SubmitJobResponse;
    try {
      ack = await system.client.submit(submitRequest({ type: 'echo' }));
    } finally {
      failPuts = 0;
    }
    expect((proxy.calls.get('PutItem') ?? 0) - putsBefore).toBeGreaterThan(TRANSIENT_PUT_FAILURES);
    expect(await directTable.get({ tenant: OPEN_TENANT, jobId: ack.jobId })).toMatchObject({
      state: 'QUEUED',
    });
    expect(await messagesQueued()).toBe(before + 1);
    expect(await runToSuccess(ack.jobId)).toBe(1);
  });

  it('without a key, answers UNKNOWN saying the job may exist and must not be resubmitted, with its id in a trailer and in grpc-status-details-bin; the one job runs', async () => {
    const before = await messagesQueued();
    failPuts = -1;
    let failure: ServiceError;
    try {
      failure = await failedSubmit();
    } finally {
      failPuts = 0;
    }

    expect(failure.code).toBe(status.UNKNOWN);
    expect(failure.details).toContain('was enqueued and will run');
    expect(failure.details).toContain('do not resubmit it without an idempotency key');
    expect(failure.details).not.toMatch(/retrying is safe/);
    const jobId = jobIdTrailer(failure.metadata);
    expect(jobId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(failure.details).toContain(`GetJob ${jobId}`);

    const details = Status.decode(failure.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(details).toMatchObject({ code: status.UNKNOWN, message: failure.details });
    expect(details.details.map((any) => any.typeUrl)).toEqual([
      ERROR_INFO_TYPE_URL,
      RESOURCE_INFO_TYPE_URL,
    ]);
    const [errorInfo, resourceInfo] = details.details;
    expect(ErrorInfo.decode(errorInfo?.value ?? Buffer.alloc(0))).toEqual({
      reason: 'JOB_MAY_EXIST',
      domain: 'sluice',
      metadata: { job_id: jobId },
    });
    expect(ResourceInfo.decode(resourceInfo?.value ?? Buffer.alloc(0))).toMatchObject({
      resourceType: 'sluice.v1.Job',
      resourceName: jobId,
    });

    // The message is queued (exactly one) without a record; its consumer writes one and runs it once.
    expect(await messagesQueued()).toBe(before + 1);
    expect(await directTable.get({ tenant: OPEN_TENANT, jobId: jobId ?? '' })).toBeUndefined();
    expect(await runToSuccess(jobId ?? '')).toBe(1);
    expect((await system.client.get(jobId ?? '')).state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });

  it('without a key in a SubmitJobs stream, answers the item with the same advice and its job id', async () => {
    const before = await messagesQueued();
    failPuts = -1;
    let responses;
    try {
      responses = await system.client.submitMany([
        { ref: 'item-1', job: submitRequest({ type: 'echo' }) },
      ]);
    } finally {
      failPuts = 0;
    }
    const error = responses[0]?.error;
    expect(error).toMatchObject({ code: status.UNKNOWN, field: '' });
    expect(error?.jobId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(error?.message).toContain('do not resubmit it without an idempotency key');
    expect(await messagesQueued()).toBe(before + 1);
    expect(await runToSuccess(error?.jobId ?? '')).toBe(1);
  });

  it('with a key, answers UNAVAILABLE saying a retry is safe, and the retry answers with the same job', async () => {
    const request = submitRequest({ type: 'echo', idempotencyKey: 'record-write-fails' });
    const jobId = deterministicJobId(OPEN_TENANT, 'default', 'record-write-fails');
    const before = await messagesQueued();
    failPuts = -1;
    let failure: ServiceError;
    try {
      failure = await failedSubmit(request);
    } finally {
      failPuts = 0;
    }
    expect(failure.code).toBe(status.UNAVAILABLE);
    expect(failure.details).toContain('retrying with the same idempotency key is safe');

    const retried = await system.client.submit(request);
    expect(retried.jobId).toBe(jobId);
    expect(await messagesQueued()).toBe(before + 1);
    expect(await runToSuccess(jobId)).toBe(1);
  });

  it('through the TypeScript client without a key, fails with the job id on the error and is not retried', async () => {
    const client = new SluiceClient({ endpoint: system.runtime.endpoint });
    const before = await messagesQueued();
    failPuts = -1;
    let failure;
    try {
      failure = await clientFailure(client.submit({ type: 'echo', payload: '{}' }));
    } finally {
      failPuts = 0;
      client.close();
    }
    expect(failure.codeName).toBe('UNKNOWN');
    expect(failure.jobId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(await messagesQueued()).toBe(before + 1);
    expect(await runToSuccess(failure.jobId ?? '')).toBe(1);
  });

  it('through the TypeScript client with a key, is retried by the client and answers with the one job', async () => {
    const client = new SluiceClient({ endpoint: system.runtime.endpoint });
    const jobId = deterministicJobId(OPEN_TENANT, 'default', 'client-retries-record');
    const before = await messagesQueued();
    let putsFailed = false;
    // The front gives up on the record; the client's retry (its first call, GetItem) finds DynamoDB back.
    onCall = (action) => {
      if (action === 'PutItem' && failPuts !== 0) putsFailed = true;
      if (action === 'GetItem' && putsFailed) failPuts = 0;
    };
    failPuts = -1;
    let result;
    try {
      result = await client.submit(
        { type: 'echo', payload: '{}' },
        { idempotencyKey: 'client-retries-record' },
      );
    } finally {
      failPuts = 0;
      onCall = () => undefined;
      client.close();
    }
    expect(putsFailed).toBe(true);
    expect(result.jobId).toBe(jobId);
    expect(await messagesQueued()).toBe(before + 1);
    expect(await runToSuccess(jobId)).toBe(1);
  });
});
