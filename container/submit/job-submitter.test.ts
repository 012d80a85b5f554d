import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CHANNELS } from '../../core/channels/channels.js';
import { decodeEnvelope } from '../../core/envelope/message-envelope.js';
import { UnavailableError, ValidationError } from '../../core/errors/index.js';
import { createJobIdGenerator, deterministicJobId } from '../../core/jobs/job-ids.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { DEFAULT_SUBMIT_LIMITS } from '../../core/validation/limits.js';
import { ChannelProducers } from '../producer/channel-producers.js';
import { startAwsTestBed, testSqsClient, type AwsTestBed } from '../testing/aws-test-bed.js';
import { submitRequest } from '../testing/front-test-bed.js';
import { CallEndedError } from '../errors/call-ended-error.js';
import { DependencyRejectedError } from '../errors/dependency-rejected-error.js';
import { JobMayExistError } from '../errors/job-may-exist-error.js';
import {
  DEFAULT_RECORD_RETRY_POLICY,
  JobSubmitter,
  type JobSubmitterOptions,
} from './job-submitter.js';
import { AWS_ERRORS } from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy, type AwsProxy } from '../../local/aws-proxy/aws-proxy.js';

const TENANT = 'default';
let bed: AwsTestBed;
let table: JobsTable;
let producers: ChannelProducers;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'submit-jobs', queuePrefix: 'submit' });
  table = bed.table;
  producers = new ChannelProducers({
    sqs: bed.clients.sqs,
    queues: bed.queues,
    tunables: { lingerMs: 1 },
  });
});

afterAll(async () => {
  await producers.close();
  await bed.stop();
});

/** A valid submit (channel `default`, type `echo`, JSON payload) with `overrides`. */
const input = submitRequest;

function submitter(overrides: Partial<JobSubmitterOptions> = {}): JobSubmitter {
  return new JobSubmitter({
    table,
    producers,
    channels: CHANNELS,
    limits: DEFAULT_SUBMIT_LIMITS,
    ...overrides,
  });
}

const queueDepth = (): Promise<number> => bed.queueDepth();

describe('JobSubmitter', () => {
  it('acknowledges a job whose message is queued and whose QUEUED record exists', async () => {
    const jobs = submitter();
    const before = await queueDepth();
    const ack = await jobs.submit(TENANT, jobs.validate(input({ attributes: { team: 'a' } })));

    expect(ack.duplicate).toBe(false);
    const record = await table.get({ tenant: TENANT, jobId: ack.jobId });
    expect(record).toMatchObject({
      state: 'QUEUED',
      version: 1,
      attempts: 0,
      sequenceNumber: ack.sequenceNumber,
      attributes: { team: 'a' },
    });
    expect(await queueDepth()).toBe(before + 1);
  });

  it('carries everything the job needs in its message, with the submit token of its record', async () => {
    const jobs = submitter();
    const ack = await jobs.submit(TENANT, jobs.validate(input({ groupKey: 'orders' })));
    const record = await table.get({ tenant: TENANT, jobId: ack.jobId });
    let envelope;
    while (envelope?.jobId !== ack.jobId) {
      const { Messages } = await bed.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: bed.queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      const found = (Messages ?? []).find((m) => decodeEnvelope(m.Body ?? '').jobId === ack.jobId);
      if (found !== undefined) {
        envelope = decodeEnvelope(found.Body ?? '');
        expect(found.Attributes?.MessageGroupId).toBe('default:orders');
      }
    }
    expect(envelope).toMatchObject({
      tenant: TENANT,
      type: 'echo',
      submitToken: record?.submitToken,
    });
    expect(Buffer.from(envelope.payload).toString()).toBe('{"hello":"world"}');
  });

  it('derives the job id from tenant, channel and idempotency key and answers a repeat as a duplicate', async () => {
    const jobs = submitter();
    const request = jobs.validate(input({ idempotencyKey: 'order-17' }));
    const first = await jobs.submit(TENANT, request);
    const again = await jobs.submit(TENANT, request);
    expect(first.jobId).toBe(deterministicJobId(TENANT, 'default', 'order-17'));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
  });

  it('answers exactly one of many concurrent submits of one key as new', async () => {
    const jobs = submitter();
    const request = jobs.validate(input({ idempotencyKey: 'order-race' }));
    const acks = await Promise.all(Array.from({ length: 10 }, () => jobs.submit(TENANT, request)));
    expect(new Set(acks.map((a) => a.jobId)).size).toBe(1);
    expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(new Set(acks.map((a) => a.sequenceNumber)).size).toBe(1);
  });

  it('is not a duplicate when a consumer recorded the job from its message first', async () => {
    const jobId = createJobIdGenerator()();
    const jobs = submitter({
      nextJobId: () => jobId,
      newSubmitToken: () => 'token-of-this-submit',
    });
    // What a consumer writes when the message arrives before the front's record.
    await table.create(
      jobRecordFromEnvelope(
        {
          jobId,
          tenant: TENANT,
          channel: 'default',
          type: 'echo',
          payload: Buffer.from('{}'),
          contentType: 'application/json',
          groupKey: '',
          idempotencyKey: '',
          attributes: {},
          submitToken: 'token-of-this-submit',
          createdAt: Date.now(),
        },
        { sequenceNumber: '', now: Date.now() },
      ),
    );
    expect(await jobs.submit(TENANT, jobs.validate(input()))).toMatchObject({
      jobId,
      duplicate: false,
    });
  });

  it("enqueues and records nothing, failing with DEADLINE_EXCEEDED, when the call's deadline passed though its signal has not aborted yet", async () => {
    const clock = { now: 1_000_000 };
    const jobs = submitter({ now: () => clock.now });
    const before = await queueDepth();
    const late = jobs.validate(input({ idempotencyKey: 'past-deadline' }));
    // grpc-js aborts the signal only once its deadline timer ran: a busy event loop runs the submit first.
    const failure = await jobs
      .submit(TENANT, late, { signal: new AbortController().signal, deadline: clock.now })
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(CallEndedError);
    expect((failure as CallEndedError).status).toBe('DEADLINE_EXCEEDED');
    expect(await queueDepth()).toBe(before);
    const jobId = deterministicJobId(TENANT, 'default', 'past-deadline');
    expect(await table.get({ tenant: TENANT, jobId })).toBeUndefined();

    // Before its deadline the same submit goes through.
    const ack = await jobs.submit(TENANT, late, { deadline: clock.now + 1 });
    expect(ack).toMatchObject({ jobId, duplicate: false });
  });

  it('rejects invalid input before anything is enqueued', async () => {
    const jobs = submitter();
    const before = await queueDepth();
    expect(() => jobs.validate(input({ type: 'nope' }), 'job.')).toThrow(ValidationError);
    expect(await queueDepth()).toBe(before);
  });

  it('fails with an INTERNAL DependencyRejectedError, no retry advice, and writes no record when SQS refuses the message', async () => {
    const proxy = await startAwsProxy({
      sqs: bed.emulators.sqsEndpoint,
      plan: () => ({
        kind: 'fail',
        status: 400,
        errorType: 'AccessDenied',
      }),
    });
    const sqs = testSqsClient(proxy.endpoint, { maxAttempts: 1 });
    const failing = new ChannelProducers({ sqs, queues: bed.queues, tunables: { lingerMs: 1 } });
    const jobId = createJobIdGenerator()();
    const jobs = submitter({ producers: failing, nextJobId: () => jobId });

    const refusal = jobs.submit(TENANT, jobs.validate(input()));
    await expect(refusal).rejects.toBeInstanceOf(DependencyRejectedError);
    await expect(refusal).rejects.toMatchObject({ status: 'INTERNAL', code: 'AccessDenied' });
    expect(await table.get({ tenant: TENANT, jobId })).toBeUndefined();
    await failing.close();
    sqs.destroy();
    await proxy.close();
  });

  it('fails a submit without a key with JobMayExistError when the queue may have taken the message, and with UnavailableError when it has a key', async () => {
    // SQS handles every send, but the answer never arrives: the message is in the queue.
    const proxy = await startAwsProxy({
      sqs: bed.emulators.sqsEndpoint,
      plan: () => ({
        kind: 'drop',
        when: 'after',
      }),
    });
    const sqs = testSqsClient(proxy.endpoint, { maxAttempts: 1 });
    const unsure = new ChannelProducers({
      sqs,
      queues: bed.queues,
      tunables: { lingerMs: 1, retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 } },
    });
    const jobId = createJobIdGenerator()();
    const jobs = submitter({ producers: unsure, nextJobId: () => jobId });
    const before = await queueDepth();
    try {
      const unkeyed = await jobs.submit(TENANT, jobs.validate(input())).catch((e: unknown) => e);
      expect(unkeyed).toBeInstanceOf(JobMayExistError);
      expect(unkeyed).toMatchObject({ jobId });
      expect((unkeyed as Error).message).toContain('may have accepted it');
      expect(await queueDepth()).toBe(before + 1);

      const keyed = jobs.validate(input({ idempotencyKey: 'answer-lost' }));
      await expect(jobs.submit(TENANT, keyed)).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await unsure.close();
      sqs.destroy();
      await proxy.close();
    }
  });

  describe('when DynamoDB fails the record write after SQS accepted the message', () => {
    let proxy: AwsProxy;
    let dynamodb: DynamoDBClient;
    let proxiedTable: JobsTable;
    /** PutItem calls to fail from now on (a negative count: all of them). */
    let failPuts = 0;

    beforeAll(async () => {
      proxy = await startAwsProxy({
        dynamodb: bed.emulators.dynamoEndpoint,
        plan: ({ action }) => {
          if (action !== 'PutItem' || failPuts === 0) return { kind: 'forward' };
          failPuts -= 1;
          return { kind: 'fail', ...AWS_ERRORS.dynamodb.serverError };
        },
      });
      // One attempt per SDK call: the retries seen are the submitter's own.
      dynamodb = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: proxy.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      proxiedTable = new JobsTable({
        client: DynamoDBDocumentClient.from(dynamodb),
        tableName: bed.resources.tableName,
      });
    });

    afterAll(async () => {
      dynamodb.destroy();
      await proxy.close();
    });

    const putCalls = (): number => proxy.calls.get('PutItem') ?? 0;
    const quickRetries = { ...DEFAULT_RECORD_RETRY_POLICY, initialBackoffMs: 1, maxBackoffMs: 5 };

    it('writes the record on a later try of its own and acknowledges the job', async () => {
      const jobs = submitter({ table: proxiedTable, recordRetry: quickRetries });
      const puts = putCalls();
      failPuts = 2;
      const ack = await jobs.submit(TENANT, jobs.validate(input()));
      expect(putCalls() - puts).toBe(3);
      expect(await table.get({ tenant: TENANT, jobId: ack.jobId })).toMatchObject({
        state: 'QUEUED',
        sequenceNumber: ack.sequenceNumber,
      });
    });

    it('fails a submit without a key with JobMayExistError naming the job, after its retries, leaving one message for its consumer', async () => {
      const jobId = createJobIdGenerator()();
      const jobs = submitter({
        table: proxiedTable,
        recordRetry: quickRetries,
        nextJobId: () => jobId,
      });
      const before = await queueDepth();
      const puts = putCalls();
      failPuts = -1;
      const failure = await jobs.submit(TENANT, jobs.validate(input())).catch((e: unknown) => e);
      failPuts = 0;
      expect(failure).toBeInstanceOf(JobMayExistError);
      expect(failure).toMatchObject({ status: 'UNKNOWN', jobId });
      expect((failure as Error).message).toContain('do not resubmit it without an idempotency key');
      expect((failure as Error).message).not.toContain('retrying is safe');
      expect(putCalls() - puts).toBe(quickRetries.maxAttempts);
      expect(await queueDepth()).toBe(before + 1);
      expect(await table.get({ tenant: TENANT, jobId })).toBeUndefined();
    });

    it('fails a keyed submit with UnavailableError saying a retry is safe, and the retry answers with the same job', async () => {
      const jobs = submitter({ table: proxiedTable, recordRetry: quickRetries });
      const request = jobs.validate(input({ idempotencyKey: 'record-write-fails' }));
      const before = await queueDepth();
      failPuts = -1;
      const failure = await jobs.submit(TENANT, request).catch((e: unknown) => e);
      failPuts = 0;
      expect(failure).toBeInstanceOf(UnavailableError);
      expect((failure as Error).message).toContain(
        'retrying with the same idempotency key is safe',
      );

      const retried = await jobs.submit(TENANT, request);
      expect(retried.jobId).toBe(deterministicJobId(TENANT, 'default', 'record-write-fails'));
      expect(await table.get({ tenant: TENANT, jobId: retried.jobId })).toBeDefined();
      expect(await queueDepth()).toBe(before + 1);
    });
  });
});
