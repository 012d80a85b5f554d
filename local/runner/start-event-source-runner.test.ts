import { setTimeout as delay } from 'node:timers/promises';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Channel } from '../../core/channels/channel-config.js';
import { messageGroupId } from '../../core/envelope/message-envelope.js';
import {
  keyOf,
  sendJob,
  startFunctionTestBed,
  testEnvelope,
  TEST_REGION,
  waitForTerminal,
  type FunctionTestBed,
} from '../../functions/testing/function-test-bed.js';
import {
  recordingProcessors,
  type RecordingProcessors,
} from '../../functions/testing/recording-processors.js';
import { RPC_CODE } from '../../functions/shared/rpc-codes.js';
import { createChannelHandlers } from './channel-handlers.js';
import type { SqsBatchHandler } from './queue-poller.js';
import {
  DEFAULT_WAIT_TIME_SECONDS,
  startEventSourceRunner,
  type EventSourceHandlers,
  type EventSourceRunner,
} from './start-event-source-runner.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

let bed: FunctionTestBed;
let runner: EventSourceRunner | undefined;

beforeAll(async () => {
  bed = await startFunctionTestBed();
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

afterAll(async () => {
  await bed.stop();
});

interface Started {
  queues: ChannelQueues;
  recording: RecordingProcessors;
}

/** A fresh channel queue served by the real runner and the real handlers. */
async function startRunner(
  changes: Partial<Channel> = {},
  overrides: { visibilityTimeoutSeconds?: number } = {},
  handlers?: EventSourceHandlers,
): Promise<Started> {
  const queues = await bed.newChannel(changes, overrides);
  const recording = recordingProcessors();
  runner = await startEventSourceRunner({
    sqs: bed.clients.sqs,
    region: TEST_REGION,
    channels: [queues],
    handlers:
      handlers ??
      createChannelHandlers({
        sqs: bed.clients.sqs,
        table: bed.table,
        logger: bed.logger,
        processors: recording.registry,
        tunables: { retryBaseDelayMs: 0, progressIntervalMs: 50 },
      }),
    logger: bed.logger,
  });
  return { queues, recording };
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes } = await bed.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Resolves with each value a handler is invoked with, in order. */
function invocations(): {
  seen: { event: SQSEvent; context: Context }[];
  next(): Promise<{ event: SQSEvent; context: Context }>;
  record(event: SQSEvent, context: Context): void;
} {
  const seen: { event: SQSEvent; context: Context }[] = [];
  const waiters: ((value: { event: SQSEvent; context: Context }) => void)[] = [];
  let taken = 0;
  return {
    seen,
    record: (event, context) => {
      seen.push({ event, context });
      waiters.shift()?.({ event, context });
    },
    next: () => {
      const index = taken++;
      const ready = seen[index];
      return ready !== undefined
        ? Promise.resolve(ready)
        : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

function custom(consumer: SqsBatchHandler): EventSourceHandlers {
  return { consumer: () => consumer, deadLetter: () => () => Promise.resolve(undefined) };
}

describe('event source runner', () => {
  it('runs a submitted job to SUCCEEDED and deletes its message', async () => {
    const { queues } = await startRunner();
    const envelope = testEnvelope('echo', { via: 'runner' });
    await sendJob(bed, queues, envelope);

    const record = await waitForTerminal(bed.table, keyOf(envelope));

    expect(record.state).toBe('SUCCEEDED');
    expect(Buffer.from(record.result!).toString()).toBe('{"via":"runner"}');
    await runner?.stop();
    expect(await messagesIn(queues.queueUrl)).toBe(0);
    expect(runner?.metrics().find((m) => m.source === 'queue')).toMatchObject({
      channel: 'default',
      invocationCount: 1,
      receivedMessageCount: 1,
      deletedMessageCount: 1,
      failedMessageCount: 0,
    });
  });

  it('answers each message with one receive, keeping a single long poll waiting while idle', async () => {
    const startedAt = Date.now();
    const { queues } = await startRunner();
    const envelopes = Array.from({ length: 5 }, () => testEnvelope('echo', {}));
    for (const envelope of envelopes) {
      await sendJob(bed, queues, envelope);
      await waitForTerminal(bed.table, keyOf(envelope));
    }
    await runner?.stop();

    const metrics = runner?.metrics().find((m) => m.source === 'queue');
    const waits = Math.ceil((Date.now() - startedAt) / (DEFAULT_WAIT_TIME_SECONDS * 1000));
    // Ten pollers long-polling at once would add up to nine empty receives per message.
    expect(metrics?.invocationCount).toBe(5);
    expect((metrics?.receiveCount ?? 0) - (metrics?.invocationCount ?? 0)).toBeLessThanOrEqual(
      waits + 2,
    );
  });

  it('bills the handler’s run, not the receive or the delete around it', async () => {
    const handlerMs = 150;
    // Deletes made slow on purpose: a runner that billed them would bill this much more.
    const deleteDelayMs = 3_000;
    const slowDeletes = 'slow-deletes';
    bed.clients.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteMessageBatchCommand') await delay(deleteDelayMs);
        return next(args);
      },
      { step: 'initialize', name: slowDeletes },
    );
    const calls = invocations();
    const { queues } = await startRunner(
      {},
      {},
      custom(async (event, context) => {
        calls.record(event, context);
        await new Promise((resolve) => setTimeout(resolve, handlerMs));
        return {};
      }),
    );
    try {
      await sendJob(bed, queues, testEnvelope('echo', {}));
      await calls.next();
      await runner?.stop();
    } finally {
      bed.clients.sqs.middlewareStack.remove(slowDeletes);
    }

    const metrics = runner?.metrics().find((m) => m.source === 'queue');
    expect(metrics?.deletedMessageCount).toBe(1);
    const billed = metrics?.billedDurationMs ?? 0;
    expect(billed).toBeGreaterThanOrEqual(handlerMs - 1);
    // Not the delete: a timer of 150 ms never takes 3 s more, however loaded the machine.
    expect(billed).toBeLessThan(handlerMs + deleteDelayMs);
  });

  it('invokes the handler with a Lambda-shaped SQS event and a counting-down context', async () => {
    const calls = invocations();
    const { queues } = await startRunner(
      {},
      {},
      custom((event, context) => {
        calls.record(event, context);
        return Promise.resolve(undefined);
      }),
    );
    const envelope = testEnvelope('echo', {}, { groupKey: 'shape' });
    await sendJob(bed, queues, envelope);

    const { event, context } = await calls.next();

    const { Attributes } = await bed.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: Attributes?.QueueArn,
      awsRegion: TEST_REGION,
      messageAttributes: {},
      attributes: {
        ApproximateReceiveCount: '1',
        MessageGroupId: messageGroupId(envelope),
        MessageDeduplicationId: envelope.jobId,
        SequenceNumber: expect.any(String) as unknown,
        SentTimestamp: expect.any(String) as unknown,
        SenderId: expect.any(String) as unknown,
        ApproximateFirstReceiveTimestamp: expect.any(String) as unknown,
      },
    });
    expect(event.Records[0]?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(25_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(30_000);
    expect(context.memoryLimitInMB).toBe('512');
  });

  it('retries a transiently failing job until it succeeds, counting attempts', async () => {
    const { queues, recording } = await startRunner();
    const envelope = testEnvelope('flaky', { failures: 2 });
    await sendJob(bed, queues, envelope);

    const record = await waitForTerminal(bed.table, keyOf(envelope));

    expect(record).toMatchObject({ state: 'SUCCEEDED', attempts: 3 });
    expect(JSON.parse(Buffer.from(record.result!).toString())).toEqual({ attempts: 3 });
    expect(recording.runsOf(envelope.jobId).map((run) => run.attempt)).toEqual([1, 2, 3]);
  });

  it('dead-letters a job that fails more often than the max receive count, keeping its last error', async () => {
    const { queues, recording } = await startRunner();
    const envelope = testEnvelope('flaky', { failures: 3 });
    await sendJob(bed, queues, envelope);

    const record = await waitForTerminal(bed.table, keyOf(envelope));

    expect(record).toMatchObject({
      state: 'DEAD_LETTERED',
      attempts: 3,
      error: {
        code: RPC_CODE.UNAVAILABLE,
        message: expect.stringContaining('attempt 3 of 3') as unknown,
      },
    });
    expect(recording.runsOf(envelope.jobId)).toHaveLength(3);
    await runner?.stop();
    expect(await messagesIn(queues.deadLetterQueueUrl)).toBe(0);
  });

  it('never runs a failed permanent job again', async () => {
    const { queues, recording } = await startRunner();
    const envelope = testEnvelope('fail', { message: 'bad order' });
    await sendJob(bed, queues, envelope);

    const record = await waitForTerminal(bed.table, keyOf(envelope));
    await runner?.stop();

    expect(record).toMatchObject({ state: 'FAILED', error: { message: 'bad order' } });
    expect(recording.runsOf(envelope.jobId)).toHaveLength(1);
    expect(await messagesIn(queues.queueUrl)).toBe(0);
  });

  it('runs the jobs of one group one at a time, in submit order', async () => {
    const { queues, recording } = await startRunner();
    const group = { groupKey: 'ordered', attributes: { group: 'ordered' } };
    const envelopes = Array.from({ length: 20 }, () => testEnvelope('sleep', { ms: 10 }, group));
    for (const envelope of envelopes) await sendJob(bed, queues, envelope);

    await waitForTerminal(bed.table, keyOf(envelopes.at(-1)!));

    const runs = recording.runs.filter((run) => run.group === 'ordered');
    expect(runs.map((run) => run.jobId)).toEqual(envelopes.map((e) => e.jobId));
    for (const [index, run] of runs.entries()) {
      if (index > 0) expect(run.startedAt).toBeGreaterThanOrEqual(runs[index - 1]!.finishedAt!);
    }
  });

  it('runs jobs of different groups at the same time', async () => {
    const { queues, recording } = await startRunner();
    const envelopes = ['g1', 'g2', 'g3', 'g4'].map((key) =>
      testEnvelope('sleep', { ms: 400 }, { groupKey: key, attributes: { group: key } }),
    );
    await Promise.all(envelopes.map((envelope) => sendJob(bed, queues, envelope)));

    await Promise.all(envelopes.map((envelope) => waitForTerminal(bed.table, keyOf(envelope))));

    const runs = recording.runs;
    const overlapping = runs.some((a) =>
      runs.some((b) => a !== b && a.startedAt < b.finishedAt! && b.startedAt < a.finishedAt!),
    );
    expect(runs).toHaveLength(4);
    expect(overlapping).toBe(true);
  });

  it('never runs a job twice at the same time when it outlives the visibility timeout', async () => {
    const { queues, recording } = await startRunner({}, { visibilityTimeoutSeconds: 1 });
    const envelope = testEnvelope('sleep', { ms: 2_500 });
    await sendJob(bed, queues, envelope);

    const record = await waitForTerminal(bed.table, keyOf(envelope));

    expect(record).toMatchObject({ state: 'SUCCEEDED', attempts: 1 });
    expect(recording.runsOf(envelope.jobId)).toHaveLength(1);
  });

  it('deletes nothing when the handler throws, so the batch is delivered again', async () => {
    const calls = invocations();
    const { queues } = await startRunner(
      {},
      { visibilityTimeoutSeconds: 1 },
      custom((event, context) => {
        calls.record(event, context);
        return calls.seen.length === 1
          ? Promise.reject(new Error('handler crashed'))
          : Promise.resolve({ batchItemFailures: [] });
      }),
    );
    await sendJob(bed, queues, testEnvelope('echo', {}));

    const first = await calls.next();
    const second = await calls.next();

    expect(second.event.Records[0]?.messageId).toBe(first.event.Records[0]?.messageId);
    expect(second.event.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    await runner?.stop();
    expect(runner?.metrics().find((m) => m.source === 'queue')).toMatchObject({
      failedInvocationCount: 1,
      deletedMessageCount: 1,
    });
  });

  it('treats an invalid batch response as a failure of the whole batch', async () => {
    const calls = invocations();
    const { queues } = await startRunner(
      {},
      { visibilityTimeoutSeconds: 1 },
      custom((event, context) => {
        calls.record(event, context);
        return Promise.resolve(
          calls.seen.length === 1
            ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }
            : {},
        );
      }),
    );
    await sendJob(bed, queues, testEnvelope('echo', {}));

    const first = await calls.next();
    const second = await calls.next();

    expect(second.event.Records[0]?.messageId).toBe(first.event.Records[0]?.messageId);
    await runner?.stop();
    expect(await messagesIn(queues.queueUrl)).toBe(0);
  });

  it('waits for an invocation in progress when stopped', async () => {
    const calls = invocations();
    let finished = false;
    const { queues } = await startRunner(
      {},
      {},
      custom(async (event, context) => {
        calls.record(event, context);
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
        return {};
      }),
    );
    await sendJob(bed, queues, testEnvelope('echo', {}));
    await calls.next();

    await runner?.stop();

    expect(finished).toBe(true);
    expect(await messagesIn(queues.queueUrl)).toBe(0);
  });
});
