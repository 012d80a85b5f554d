import { createHash, randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import { encodeEnvelope, messageGroupId } from '../../core/envelope/message-envelope.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { JOBS_TABLE_SCHEMA } from '../../core/jobs/table-schema.js';
import { buildSqsEvent } from '../../local/runner/build-sqs-event.js';
import type { ProcessorRegistry } from '../processors/processor.js';
import { RPC_CODE } from '../shared/rpc-codes.js';
import {
  keyOf,
  receiveEvent,
  sendJob,
  startFunctionTestBed,
  testContext,
  testEnvelope,
  waitForJob,
  type FunctionTestBed,
} from '../testing/function-test-bed.js';
import { recordingProcessors } from '../testing/recording-processors.js';
import { createConsumerHandler, type ConsumerHandler } from './create-consumer-handler.js';
import type { ConsumerTunables } from './consumer-tunables.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

let bed: FunctionTestBed;
let queues: ChannelQueues;

beforeAll(async () => {
  bed = await startFunctionTestBed();
  queues = await bed.newChannel();
});

afterAll(async () => {
  await bed.stop();
});

function consumer(
  processors: ProcessorRegistry,
  tunables: Partial<ConsumerTunables> = {},
  table: JobsTable = bed.table,
): ConsumerHandler {
  return createConsumerHandler({
    table,
    sqs: bed.clients.sqs,
    channel: queues.channel,
    queueUrl: queues.queueUrl,
    processors,
    logger: bed.logger,
    tunables: { retryBaseDelayMs: 1_000, deadlineSafetyMarginMs: 500, ...tunables },
  });
}

/** A record of a message no queue ever held: for batches built by hand. */
function handMadeMessage(envelope: ReturnType<typeof testEnvelope>, sequence: number): Message {
  const body = encodeEnvelope(envelope);
  return {
    MessageId: randomUUID(),
    ReceiptHandle: `made-up-${randomUUID()}`,
    Body: body,
    MD5OfBody: createHash('md5').update(body).digest('hex'),
    Attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      SequenceNumber: String(sequence).padStart(20, '0'),
      MessageGroupId: messageGroupId(envelope),
      MessageDeduplicationId: envelope.jobId,
    },
  };
}

async function deliver(
  handler: ConsumerHandler,
  envelope: ReturnType<typeof testEnvelope>,
): Promise<string[]> {
  await sendJob(bed, queues, envelope);
  const event = await receiveEvent(bed, queues.queueUrl, 1);
  const { batchItemFailures } = await handler(event, testContext());
  return batchItemFailures.map((failure) => failure.itemIdentifier);
}

describe('consumer handler', () => {
  it('runs echo and records SUCCEEDED with the payload as result', async () => {
    const recording = recordingProcessors();
    const envelope = testEnvelope('echo', { hello: 'world' });
    await bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now: 1 }));

    expect(await deliver(consumer(recording.registry), envelope)).toEqual([]);

    const record = await bed.table.get(keyOf(envelope));
    expect(record).toMatchObject({ state: 'SUCCEEDED', attempts: 1 });
    expect(Buffer.from(record!.result!).toString()).toBe('{"hello":"world"}');
    expect(record?.resultContentType).toBe('application/json');
    expect(record?.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
  });

  it('records the hex SHA-256 of a sha256 payload', async () => {
    const envelope = testEnvelope('sha256', Buffer.from('abc'), { contentType: 'text/plain' });
    await deliver(consumer(recordingProcessors().registry), envelope);
    const record = await bed.table.get(keyOf(envelope));
    expect(record?.state).toBe('SUCCEEDED');
    expect(Buffer.from(record!.result!).toString()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(record?.resultContentType).toBe('text/plain');
  });

  it('creates the record of a job whose front has not written it yet, then runs it', async () => {
    const recording = recordingProcessors();
    const envelope = testEnvelope('echo', { early: true }, { attributes: { origin: 'test' } });

    await deliver(consumer(recording.registry), envelope);

    const record = await bed.table.get(keyOf(envelope));
    expect(record).toMatchObject({
      state: 'SUCCEEDED',
      attempts: 1,
      channel: 'default',
      type: 'echo',
      attributes: { origin: 'test' },
      submitToken: envelope.submitToken,
    });
    expect(record?.sequenceNumber).not.toBe('');
    expect(recording.runsOf(envelope.jobId)).toHaveLength(1);
  });

  it('records FAILED with the message of a permanent failure and does not retry it', async () => {
    const recording = recordingProcessors();
    const envelope = testEnvelope('fail', { message: 'no such customer' });

    expect(await deliver(consumer(recording.registry), envelope)).toEqual([]);

    const record = await bed.table.get(keyOf(envelope));
    expect(record).toMatchObject({
      state: 'FAILED',
      attempts: 1,
      error: { code: RPC_CODE.FAILED_PRECONDITION, message: 'no such customer' },
    });
    expect(recording.runsOf(envelope.jobId)).toHaveLength(1);
  });

  it('fails a job with a malformed payload permanently, naming the payload', async () => {
    const envelope = testEnvelope('sleep', Buffer.from('not json'));
    expect(await deliver(consumer(recordingProcessors().registry), envelope)).toEqual([]);
    expect(await bed.table.get(keyOf(envelope))).toMatchObject({
      state: 'FAILED',
      error: { code: RPC_CODE.INVALID_ARGUMENT, field: 'payload' },
    });
  });

  it('fails a job of a type without a processor as UNIMPLEMENTED', async () => {
    const envelope = testEnvelope('no-such-type', {});
    expect(await deliver(consumer(new Map()), envelope)).toEqual([]);
    expect(await bed.table.get(keyOf(envelope))).toMatchObject({
      state: 'FAILED',
      error: { code: RPC_CODE.UNIMPLEMENTED },
    });
  });

  it('requeues a transient failure with its error, returns the message, and retries it after the backoff', async () => {
    const recording = recordingProcessors();
    const handler = consumer(recording.registry);
    const envelope = testEnvelope('flaky', { failures: 1 });

    const failed = await deliver(handler, envelope);

    expect(failed).toHaveLength(1);
    expect(await bed.table.get(keyOf(envelope))).toMatchObject({
      state: 'QUEUED',
      attempts: 1,
      error: {
        code: RPC_CODE.UNAVAILABLE,
        message: expect.stringContaining('attempt 1 of 1') as unknown,
      },
    });
    // The backoff (about a second) keeps the message invisible; then it comes back.
    const failedAt = Date.now();
    const retry = await receiveEvent(bed, queues.queueUrl, 1);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(400);
    expect(retry.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect((await handler(retry, testContext())).batchItemFailures).toEqual([]);
    const record = await bed.table.get(keyOf(envelope));
    expect(record).toMatchObject({ state: 'SUCCEEDED', attempts: 2 });
    expect(JSON.parse(Buffer.from(record!.result!).toString())).toEqual({ attempts: 2 });
  });

  it('skips and deletes a redelivered message of an ended job, recording the outcome once', async () => {
    const recording = recordingProcessors();
    const handler = consumer(recording.registry);
    const envelope = testEnvelope('echo', { once: true });
    await sendJob(bed, queues, envelope);
    const event = await receiveEvent(bed, queues.queueUrl, 1);
    await handler(event, testContext());
    const done = await bed.table.get(keyOf(envelope));

    const again = await handler(event, testContext());

    expect(again.batchItemFailures).toEqual([]);
    expect(recording.runsOf(envelope.jobId)).toHaveLength(1);
    expect(await bed.table.get(keyOf(envelope))).toEqual(done);
  });

  it('never runs a cancelled job and drops its message', async () => {
    const recording = recordingProcessors();
    const envelope = testEnvelope('echo', {});
    await bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now: 1 }));
    await bed.table.cancel(keyOf(envelope));

    expect(await deliver(consumer(recording.registry), envelope)).toEqual([]);

    expect(recording.runsOf(envelope.jobId)).toHaveLength(0);
    expect((await bed.table.get(keyOf(envelope)))?.state).toBe('CANCELLED');
  });

  it('takes over a job left RUNNING by a crashed attempt', async () => {
    const envelope = testEnvelope('echo', {});
    await bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now: 1 }));
    await bed.table.markRunning(keyOf(envelope), 1);

    await deliver(consumer(recordingProcessors().registry), envelope);

    expect(await bed.table.get(keyOf(envelope))).toMatchObject({
      state: 'SUCCEEDED',
      attempts: 2,
    });
  });

  it('deletes a malformed message instead of returning it', async () => {
    const message = handMadeMessage(testEnvelope('echo', {}), 1);
    message.Body = '{"not":"an envelope"}';
    const event = buildSqsEvent([message], { queueArn: 'arn', region: 'us-east-1' });
    const { batchItemFailures } = await consumer(recordingProcessors().registry)(
      event,
      testContext(),
    );
    expect(batchItemFailures).toEqual([]);
  });

  it('returns the rest of a group unrun after a failure while other groups complete', async () => {
    const recording = recordingProcessors();
    const groupA = { groupKey: `a-${randomUUID()}` };
    const groupB = { groupKey: `b-${randomUUID()}` };
    const a = [
      testEnvelope('echo', { n: 1 }, groupA),
      testEnvelope('flaky', { failures: 1 }, groupA),
      testEnvelope('echo', { n: 3 }, groupA),
      testEnvelope('echo', { n: 4 }, groupA),
    ];
    const b = [testEnvelope('echo', { n: 1 }, groupB), testEnvelope('sleep', { ms: 50 }, groupB)];
    const messages = [a[0]!, b[0]!, a[1]!, a[2]!, b[1]!, a[3]!].map(handMadeMessage);
    const event = buildSqsEvent(messages, { queueArn: 'arn', region: 'us-east-1' });
    const idOf = (envelope: (typeof a)[number]): string =>
      messages[[a[0], b[0], a[1], a[2], b[1], a[3]].indexOf(envelope)]!.MessageId!;

    const { batchItemFailures } = await consumer(recording.registry)(event, testContext());

    expect(batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [idOf(a[1]!), idOf(a[2]!), idOf(a[3]!)].sort(),
    );
    expect((await bed.table.get(keyOf(a[0]!)))?.state).toBe('SUCCEEDED');
    expect((await bed.table.get(keyOf(a[1]!)))?.state).toBe('QUEUED');
    expect(await bed.table.get(keyOf(a[2]!))).toBeUndefined();
    expect(await bed.table.get(keyOf(a[3]!))).toBeUndefined();
    expect(recording.runsOf(a[2]!.jobId)).toHaveLength(0);
    expect((await bed.table.get(keyOf(b[0]!)))?.state).toBe('SUCCEEDED');
    expect((await bed.table.get(keyOf(b[1]!)))?.state).toBe('SUCCEEDED');
  });

  it('aborts a processor that runs past the remaining time and requeues its job', async () => {
    // The processor gets 2 s (remaining time less the margin); the margin leaves the
    // handler 8 s to requeue before Lambda would end the invocation, even on a loaded machine.
    const remainingMs = 10_000;
    const recording = recordingProcessors();
    const envelope = testEnvelope('sleep', { ms: 2 * remainingMs });
    await sendJob(bed, queues, envelope);
    const event = await receiveEvent(bed, queues.queueUrl, 1);
    const started = Date.now();

    const { batchItemFailures } = await consumer(recording.registry, {
      deadlineSafetyMarginMs: 8_000,
    })(event, testContext(remainingMs));

    // Returned inside the invocation's time: Lambda would have killed it after that.
    expect(Date.now() - started).toBeLessThan(remainingMs);
    expect(batchItemFailures).toHaveLength(1);
    expect(await bed.table.get(keyOf(envelope))).toMatchObject({
      state: 'QUEUED',
      attempts: 1,
      error: { code: RPC_CODE.DEADLINE_EXCEEDED },
    });
    expect(recording.runsOf(envelope.jobId)[0]?.outcome).toBe('threw');
  });

  it('writes progress throttled while the job runs and flushes the last report', async () => {
    const envelope = testEnvelope('sleep', { ms: 800 });
    await sendJob(bed, queues, envelope);
    const event = await receiveEvent(bed, queues.queueUrl, 1);
    const handling = consumer(recordingProcessors().registry, { progressIntervalMs: 300 })(
      event,
      testContext(),
    );

    const midway = await waitForJob(bed.table, keyOf(envelope), (r) => r.progress !== undefined);
    await handling;

    expect(midway.state).toBe('RUNNING');
    expect(midway.progress?.fraction).toBeGreaterThan(0);
    const done = await bed.table.get(keyOf(envelope));
    expect(done).toMatchObject({ state: 'SUCCEEDED', progress: { fraction: 1 } });
    // RUNNING was version 2; ten reports in 800 ms at most one write per 300 ms, plus the final write.
    const progressWrites = done!.version - 3;
    expect(progressWrites).toBeGreaterThanOrEqual(2);
    expect(progressWrites).toBeLessThanOrEqual(5);
  });

  it('returns the message when the outcome cannot be written, leaving the job RUNNING', async () => {
    const tableName = `doomed-${randomUUID()}`;
    await bed.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: JOBS_TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: JOBS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      }),
    );
    const doomed = new JobsTable({ client: bed.clients.documents, tableName });
    let recordWhileRunning: unknown;
    const processors = recordingProcessors({
      // Takes the table away mid-run: the outcome write meets a real DynamoDB error.
      echo: async (input, ctx) => {
        recordWhileRunning = await doomed.get({ tenant: ctx.tenant, jobId: ctx.jobId });
        await bed.clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
        return { bytes: input, contentType: ctx.contentType };
      },
    });
    const envelope = testEnvelope('echo', {});

    const failed = await deliver(consumer(processors.registry, {}, doomed), envelope);

    expect(failed).toHaveLength(1);
    expect(recordWhileRunning).toMatchObject({ state: 'RUNNING', attempts: 1 });
  });

  it('keeps the message of a running job invisible past the queue visibility timeout', async () => {
    // The message was received before the handler started (the event source's
    // receive), so the first beat must land within the timeout of that receive,
    // after two GetQueueAttributes (the test's and the handler's) and half a
    // timeout of waiting. 3 s leaves 1.5 s for those round trips and a late
    // timer on a loaded 2-core box (1 s left too little: CI saw the message
    // reappear); the job runs well past two timeouts, across four beats.
    const visibilityTimeoutSeconds = 3;
    const slow = await bed.newChannel({}, { visibilityTimeoutSeconds });
    const handler = createConsumerHandler({
      table: bed.table,
      sqs: bed.clients.sqs,
      channel: slow.channel,
      queueUrl: slow.queueUrl,
      processors: recordingProcessors().registry,
      logger: bed.logger,
    });
    const envelope = testEnvelope('sleep', { ms: 7_000 });
    await sendJob(bed, slow, envelope);
    const event = await receiveEvent(bed, slow.queueUrl, 1);
    const handling = handler(event, testContext());
    let stolen: Message[] = [];
    // Receive attempts throughout the run: the heartbeat must keep the message hidden.
    while ((await bed.table.get(keyOf(envelope)))?.state !== 'SUCCEEDED') {
      const { Messages = [] } = await bed.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: slow.queueUrl, WaitTimeSeconds: 1 }),
      );
      stolen = [...stolen, ...Messages];
    }
    await handling;
    expect(stolen).toEqual([]);
  });
});
