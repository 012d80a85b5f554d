import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { resolveChannelQueues } from '../../core/aws/queue-directory.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { ResourceExhaustedError, UnavailableError } from '../../core/errors/index.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { startAwsTestBed, testSqsClient, type AwsTestBed } from '../testing/aws-test-bed.js';
import { SqsAutoBatcher, type SqsAutoBatcherOptions, type SqsBatchEntry } from './auto-batcher.js';
import { MessageRejectedError } from './message-rejected-error.js';
import type { AwsFaultPlan } from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy } from '../../local/aws-proxy/aws-proxy.js';

let bed: AwsTestBed;
let emulators: AwsTestBed['emulators'];
let clients: AwsTestBed['clients'];
let prefixCounter = 0;

/** A long linger: a batch leaves only when full, flushed or closed. */
const HOLD_MS = 60_000;
const FAST_RETRY = { initialBackoffMs: 1, maxBackoffMs: 5 };

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'batcher-jobs', queuePrefix: 'batcher0' });
  ({ emulators, clients } = bed);
});

afterAll(() => bed.stop());

/** A fresh FIFO queue per test, so counts never mix. */
async function freshQueue(): Promise<string> {
  prefixCounter += 1;
  const resources = { tableName: 'batcher-jobs', queuePrefix: `batcher${prefixCounter}` };
  await provisionResources(clients, CHANNELS, resources);
  const queues = await resolveChannelQueues(clients.sqs, CHANNELS, resources.queuePrefix);
  return queues.get('default')?.queueUrl ?? '';
}

/** An SQS client without SDK retries (only the batcher retries), counting its calls. */
function countingClient(endpoint: string): { sqs: SQSClient; calls: Map<string, number> } {
  const sqs = testSqsClient(endpoint, { maxAttempts: 1 });
  const calls = new Map<string, number>();
  sqs.middlewareStack.add(
    (next, context) => (args) => {
      calls.set(context.commandName ?? '', (calls.get(context.commandName ?? '') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return { sqs, calls };
}

function entry(n: number, groupId = `g${n}`): SqsBatchEntry {
  const id = `JOB${String(n).padStart(23, '0')}`;
  return { id, body: JSON.stringify({ n }), groupId, deduplicationId: id };
}

const queueDepth = (queueUrl: string): Promise<number> => bed.queueDepth(queueUrl);

function batcherFor(
  sqs: SQSClient,
  queueUrl: string,
  options: Partial<SqsAutoBatcherOptions> = {},
): SqsAutoBatcher {
  return new SqsAutoBatcher({ sqs, queueUrl, retry: FAST_RETRY, ...options });
}

describe('SqsAutoBatcher', () => {
  it('coalesces 25 concurrent sends into three SendMessageBatch calls of at most 10', async () => {
    const queueUrl = await freshQueue();
    const { sqs, calls } = countingClient(emulators.sqsEndpoint);
    const batcher = batcherFor(sqs, queueUrl, { lingerMs: 20 });

    const sent = await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.send(entry(i))));

    expect(calls.get('SendMessageBatchCommand')).toBe(3);
    expect(batcher.metrics).toMatchObject({ sendBatchRequests: 3, entriesSent: 25, retries: 0 });
    expect(new Set(sent.map((s) => s.sequenceNumber)).size).toBe(25);
    expect(await queueDepth(queueUrl)).toBe(25);
    await batcher.close();
    sqs.destroy();
  });

  it('sends a lone entry after the linger time without waiting for company', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: 5 });
    const sent = await batcher.send(entry(1));
    expect(sent.messageId).not.toBe('');
    expect(batcher.metrics.sendBatchRequests).toBe(1);
    await batcher.close();
  });

  it('sends at once while sends are sparse, however long the linger', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: HOLD_MS, idleLingerMs: 0 });

    const sent = await batcher.send(entry(1));

    expect(sent.sequenceNumber).not.toBe('');
    expect(batcher.metrics.sendBatchRequests).toBe(1);
    await batcher.close();
  });

  it('lingers for company once sends come closer together than the linger', async () => {
    const queueUrl = await freshQueue();
    const { sqs, calls } = countingClient(emulators.sqsEndpoint);
    const batcher = batcherFor(sqs, queueUrl, { lingerMs: 300, idleLingerMs: 0 });
    // Five sends in one turn: sparse until then, they share one batch; the sends are now dense.
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.send(entry(n))));

    const sixth = batcher.send(entry(6));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([sixth, batcher.send(entry(7))]);

    expect(calls.get('SendMessageBatchCommand')).toBe(2);
    expect(batcher.metrics.entriesSent).toBe(7);
    await batcher.close();
    sqs.destroy();
  });

  it('splits batches at the byte limit', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: HOLD_MS, maxBatchBytes: 1000 });
    const big = (n: number): SqsBatchEntry => ({ ...entry(n), body: 'x'.repeat(400) });
    const sends = [1, 2, 3, 4, 5].map((n) => batcher.send(big(n)));
    await batcher.flush();
    await Promise.all(sends);
    // 400-byte bodies, ≤ 1000 bytes a batch: 2 + 2 + 1.
    expect(batcher.metrics.sendBatchRequests).toBe(3);
    await batcher.close();
  });

  it('answers the same job sent twice at once with the same message', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: 5 });
    const [first, second] = await Promise.all([batcher.send(entry(7)), batcher.send(entry(7))]);
    expect(second).toEqual(first);
    expect(await queueDepth(queueUrl)).toBe(1);
    await batcher.close();
  });

  it('keeps the messages of one group in send order across batches', async () => {
    const queueUrl = await freshQueue();
    // The first batch is slow: a second batch of the group sent meanwhile would overtake it.
    const proxy = await startAwsProxy({
      sqs: emulators.sqsEndpoint,
      plan: ({ action, index }) =>
        action === 'SendMessageBatch' && index === 0
          ? { kind: 'forward', delayMs: 100 }
          : { kind: 'forward' },
    });
    const { sqs } = countingClient(proxy.endpoint);
    const batcher = batcherFor(sqs, queueUrl, { lingerMs: 1, maxInFlightBatches: 8 });
    const others = Promise.all([100, 101].map((n) => batcher.send(entry(n))));
    await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.send(entry(i, 'one-group'))));
    await others;
    const order: number[] = [];
    let received = 0;
    while (received < 32) {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      for (const message of Messages ?? []) {
        received += 1;
        const { n } = JSON.parse(message.Body ?? '{}') as { n: number };
        if (n < 100) order.push(n);
        await clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await batcher.close();
    sqs.destroy();
    await proxy.close();
  });

  it('rejects only the entry SQS refuses as a sender fault, without retrying it', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: 5 });
    const results = await Promise.allSettled([
      batcher.send(entry(1)),
      batcher.send({ ...entry(2), body: 'bad \u0000 body' }),
      batcher.send(entry(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(MessageRejectedError);
    expect(batcher.metrics).toMatchObject({ sendBatchRequests: 1, retries: 0, entriesFailed: 1 });
    expect(await queueDepth(queueUrl)).toBe(2);
    await batcher.close();
  });

  it('retries a whole batch the queue answered with a server error', async () => {
    const queueUrl = await freshQueue();
    const plan: AwsFaultPlan = ({ action, index }) =>
      action === 'SendMessageBatch' && index === 0
        ? { kind: 'fail', status: 500, errorType: 'InternalError' }
        : { kind: 'forward' };
    const proxy = await startAwsProxy({ sqs: emulators.sqsEndpoint, plan });
    const { sqs } = countingClient(proxy.endpoint);
    const batcher = batcherFor(sqs, queueUrl, { lingerMs: 5 });

    const sent = await Promise.all([1, 2, 3].map((n) => batcher.send(entry(n))));

    expect(sent).toHaveLength(3);
    expect(proxy.calls.get('SendMessageBatch')).toBe(2);
    expect(batcher.metrics).toMatchObject({ sendBatchRequests: 2, retries: 3, entriesSent: 3 });
    expect(await queueDepth(queueUrl)).toBe(3);
    await batcher.close();
    sqs.destroy();
    await proxy.close();
  });

  it('retries an entry SQS failed without blaming the sender, and SQS deduplicates it', async () => {
    const queueUrl = await freshQueue();
    let hidden: Record<string, unknown> | undefined;
    const plan: AwsFaultPlan = ({ action, index }) => {
      if (action !== 'SendMessageBatch' || index !== 0) return { kind: 'forward' };
      return {
        kind: 'rewrite',
        // The message did reach the queue, but the answer says entry 0 failed.
        rewrite: (answer) => {
          const successful = answer.Successful as Record<string, unknown>[];
          hidden = successful.find((s) => s.Id === '0');
          return {
            Successful: successful.filter((s) => s.Id !== '0'),
            Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError', Message: 'injected' }],
          };
        },
      };
    };
    const proxy = await startAwsProxy({ sqs: emulators.sqsEndpoint, plan });
    const { sqs } = countingClient(proxy.endpoint);
    const batcher = batcherFor(sqs, queueUrl, { lingerMs: 5 });

    const [retried] = await Promise.all([batcher.send(entry(1)), batcher.send(entry(2))]);

    expect(retried?.messageId).toBe(hidden?.MessageId);
    expect(batcher.metrics).toMatchObject({ sendBatchRequests: 2, retries: 1, entriesSent: 2 });
    expect(await queueDepth(queueUrl)).toBe(2);
    await batcher.close();
    sqs.destroy();
    await proxy.close();
  });

  it('gives up with UnavailableError after its attempts are spent', async () => {
    const queueUrl = await freshQueue();
    const proxy = await startAwsProxy({
      sqs: emulators.sqsEndpoint,
      plan: () => ({
        kind: 'fail',
        status: 503,
        errorType: 'ServiceUnavailable',
      }),
    });
    const { sqs } = countingClient(proxy.endpoint);
    const batcher = batcherFor(sqs, queueUrl, {
      lingerMs: 1,
      retry: { ...FAST_RETRY, maxAttempts: 3 },
    });

    await expect(batcher.send(entry(1))).rejects.toBeInstanceOf(UnavailableError);
    expect(proxy.calls.get('SendMessageBatch')).toBe(3);
    expect(batcher.metrics).toMatchObject({ retries: 2, entriesFailed: 1, pending: 0 });
    await batcher.close();
    sqs.destroy();
    await proxy.close();
  });

  it('pushes back with ResourceExhaustedError when its buffer is full, and says when it has room', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: HOLD_MS, maxPending: 3 });
    const held = [1, 2, 3].map((n) => batcher.send(entry(n)));
    expect(batcher.hasCapacity).toBe(false);
    await expect(batcher.send(entry(4))).rejects.toBeInstanceOf(ResourceExhaustedError);

    let writable = false;
    const room = batcher.whenWritable().then(() => {
      writable = true;
    });
    await Promise.resolve();
    expect(writable).toBe(false);
    await batcher.flush();
    await room;
    expect(batcher.hasCapacity).toBe(true);
    await Promise.all(held);
    await batcher.close();
  });

  it('sends everything queued on close, then refuses new entries with UnavailableError', async () => {
    const queueUrl = await freshQueue();
    const batcher = batcherFor(clients.sqs, queueUrl, { lingerMs: HOLD_MS });
    const held = [1, 2, 3].map((n) => batcher.send(entry(n)));
    await batcher.close();
    await expect(Promise.all(held)).resolves.toHaveLength(3);
    await expect(batcher.send(entry(4))).rejects.toBeInstanceOf(UnavailableError);
    expect(await queueDepth(queueUrl)).toBe(3);
  });
});
