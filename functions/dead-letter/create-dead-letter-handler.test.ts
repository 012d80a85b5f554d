import { randomUUID } from 'node:crypto';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import { encodeEnvelope } from '../../core/envelope/message-envelope.js';
import { jobRecordFromEnvelope } from '../../core/jobs/job-record-from-envelope.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { buildSqsEvent } from '../../local/runner/build-sqs-event.js';
import { RPC_CODE } from '../shared/rpc-codes.js';
import {
  keyOf,
  startFunctionTestBed,
  testContext,
  testEnvelope,
  type FunctionTestBed,
} from '../testing/function-test-bed.js';
import { createDeadLetterHandler } from './create-dead-letter-handler.js';

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

function eventOf(...bodies: string[]): ReturnType<typeof buildSqsEvent> {
  return buildSqsEvent(
    bodies.map((body) => ({
      MessageId: randomUUID(),
      ReceiptHandle: randomUUID(),
      Body: body,
      Attributes: { MessageGroupId: 'g', SequenceNumber: '7' },
    })),
    { queueArn: 'arn:aws:sqs:us-east-1:000000000000:dlq.fifo', region: 'us-east-1' },
  );
}

describe('dead-letter handler', () => {
  const handler = (): ReturnType<typeof createDeadLetterHandler> =>
    createDeadLetterHandler({ table: bed.table, channel: queues.channel, logger: bed.logger });

  it('marks a requeued job DEAD_LETTERED keeping its last error', async () => {
    const envelope = testEnvelope('flaky', { failures: 9 });
    const key = keyOf(envelope);
    await bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now: 1 }));
    await bed.table.markRunning(key, 1);
    await bed.table.requeue(key, 2, { code: RPC_CODE.UNAVAILABLE, message: 'attempt 3 failed' });

    const { batchItemFailures } = await handler()(eventOf(encodeEnvelope(envelope)), testContext());

    expect(batchItemFailures).toEqual([]);
    expect(await bed.table.get(key)).toMatchObject({
      state: 'DEAD_LETTERED',
      attempts: 1,
      error: { code: RPC_CODE.UNAVAILABLE, message: 'attempt 3 failed' },
    });
  });

  it('creates the record of a job never recorded and dead-letters it with the fallback error', async () => {
    const envelope = testEnvelope('echo', {});

    await handler()(eventOf(encodeEnvelope(envelope)), testContext());

    const record = await bed.table.get(keyOf(envelope));
    expect(record).toMatchObject({
      state: 'DEAD_LETTERED',
      attempts: 0,
      error: { code: RPC_CODE.ABORTED },
    });
    expect(record?.error?.message).toContain('maxReceiveCount (3)');
  });

  it('leaves a job that already ended alone', async () => {
    const envelope = testEnvelope('echo', {});
    const key = keyOf(envelope);
    await bed.table.create(jobRecordFromEnvelope(envelope, { sequenceNumber: '1', now: 1 }));
    await bed.table.markRunning(key, 1);
    await bed.table.markSucceeded(key, 2, Buffer.from('ok'), 'text/plain');
    const before = await bed.table.get(key);

    const { batchItemFailures } = await handler()(eventOf(encodeEnvelope(envelope)), testContext());

    expect(batchItemFailures).toEqual([]);
    expect(await bed.table.get(key)).toEqual(before);
  });

  it('drops a malformed message without failing the batch', async () => {
    const { batchItemFailures } = await handler()(eventOf('{"v":1}'), testContext());
    expect(batchItemFailures).toEqual([]);
  });

  it('reports only the messages it could not record when the table is unreachable', async () => {
    const missing = new JobsTable({ client: bed.clients.documents, tableName: 'no-such-table' });
    const event = eventOf(encodeEnvelope(testEnvelope('echo', {})), '{"v":1}');

    const { batchItemFailures } = await createDeadLetterHandler({
      table: missing,
      channel: queues.channel,
      logger: bed.logger,
    })(event, testContext());

    expect(batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
  });
});
