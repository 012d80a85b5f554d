import { UnavailableError } from '../../core/errors/index.js';
import { DependencyRejectedError } from '../errors/dependency-rejected-error.js';
import { startAwsTestBed, testSqsClient, type AwsTestBed } from '../testing/aws-test-bed.js';
import { MessageRejectedError } from './message-rejected-error.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { SqsBatchSender, type EntryOutcome } from './sqs-batch-sender.js';
import type { PendingEntry, SentMessage } from './types.js';
import type { AwsFaultDecision } from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy } from '../../local/aws-proxy/aws-proxy.js';

let bed: AwsTestBed;
let jobCounter = 0;

const RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
const REQUEST_TIMEOUT_MS = 10_000;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: 'sender-jobs', queuePrefix: 'sender' });
});

afterAll(() => bed.stop());

/** A pending entry of a fresh job (its own group unless one is given), accepted at `acceptedAt`. */
function pendingEntry(options: { body?: string; groupId?: string; acceptedAt?: number } = {}) {
  jobCounter += 1;
  const id = `JOB${String(jobCounter).padStart(23, '0')}`;
  const groupId = options.groupId ?? `g${jobCounter}`;
  const entry = { id, body: options.body ?? `{"n":${jobCounter}}`, groupId, deduplicationId: id };
  const pending: PendingEntry = {
    entry,
    groupId,
    bytes: Buffer.byteLength(entry.body),
    acceptedAt: options.acceptedAt ?? Date.now(),
    attempts: 0,
    resolve: (_sent: SentMessage) => undefined,
    reject: (_error: Error) => undefined,
  };
  return pending;
}

function senderAt(endpoint: string, options: { queueUrl?: string; now?: () => number } = {}) {
  const sqs = testSqsClient(endpoint, { maxAttempts: 1 });
  const sender = new SqsBatchSender({
    sqs,
    queueUrl: options.queueUrl ?? bed.queueUrl,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    retry: RETRY,
    now: options.now,
  });
  return { sender, sqs };
}

/** Runs `check` against a sender behind a proxy that answers the first SendMessageBatch by `first`. */
async function withFirstBatch(
  first: AwsFaultDecision,
  check: (sender: SqsBatchSender) => Promise<void>,
): Promise<void> {
  const proxy = await startAwsProxy({
    sqs: bed.emulators.sqsEndpoint,
    plan: ({ action, index }) =>
      action === 'SendMessageBatch' && index === 0 ? first : { kind: 'forward' },
  });
  const { sender, sqs } = senderAt(proxy.endpoint);
  try {
    await check(sender);
  } finally {
    sqs.destroy();
    await proxy.close();
  }
}

const kinds = (outcomes: readonly EntryOutcome[]): string[] => outcomes.map((o) => o.kind);

function errorOf(outcome: EntryOutcome | undefined): Error | undefined {
  return outcome?.kind === 'failed' ? outcome.error : undefined;
}

describe('SqsBatchSender', () => {
  it('answers each entry SQS accepted with its message, in batch order, counting an attempt', async () => {
    const { sender, sqs } = senderAt(bed.emulators.sqsEndpoint);
    const batch = [pendingEntry({ groupId: 'one' }), pendingEntry({ groupId: 'one' })];

    const outcomes = await sender.send(batch);

    expect(outcomes.map((o) => o.pending)).toEqual(batch);
    const sequence = outcomes.map((o) => (o.kind === 'sent' ? o.message.sequenceNumber : ''));
    expect(BigInt(sequence[0] ?? '0')).toBeLessThan(BigInt(sequence[1] ?? '0'));
    expect(batch.map((p) => p.attempts)).toEqual([1, 1]);
    sqs.destroy();
  });

  it('fails only the entry SQS refuses as a sender fault, with MessageRejectedError', async () => {
    const { sender, sqs } = senderAt(bed.emulators.sqsEndpoint);
    const outcomes = await sender.send([
      pendingEntry(),
      pendingEntry({ body: 'bad \u0000 body' }),
      pendingEntry(),
    ]);
    expect(kinds(outcomes)).toEqual(['sent', 'failed', 'sent']);
    expect(errorOf(outcomes[1])).toBeInstanceOf(MessageRejectedError);
    sqs.destroy();
  });

  it('retries every entry of a call the queue answered with a server error', async () => {
    await withFirstBatch(
      { kind: 'fail', status: 500, errorType: 'InternalError' },
      async (sender) => {
        const outcomes = await sender.send([pendingEntry(), pendingEntry()]);
        expect(kinds(outcomes)).toEqual(['retry', 'retry']);
      },
    );
  });

  it('retries an entry SQS failed without blaming the sender, or throttled', async () => {
    const rewrite = (answer: Record<string, unknown>): Record<string, unknown> => ({
      Successful: (answer.Successful as { Id: string }[]).filter((s) => s.Id === '2'),
      Failed: [
        { Id: '0', SenderFault: false, Code: 'InternalError', Message: 'injected' },
        { Id: '1', SenderFault: true, Code: 'ThrottlingException', Message: 'injected' },
      ],
    });
    await withFirstBatch({ kind: 'rewrite', rewrite }, async (sender) => {
      const outcomes = await sender.send([pendingEntry(), pendingEntry(), pendingEntry()]);
      expect(kinds(outcomes)).toEqual(['retry', 'retry', 'sent']);
    });
  });

  it('retries an entry that the answer leaves out', async () => {
    const rewrite = (answer: Record<string, unknown>): Record<string, unknown> => ({
      Successful: (answer.Successful as { Id: string }[]).filter((s) => s.Id !== '0'),
      Failed: [],
    });
    await withFirstBatch({ kind: 'rewrite', rewrite }, async (sender) => {
      const outcomes = await sender.send([pendingEntry(), pendingEntry()]);
      expect(kinds(outcomes)).toEqual(['retry', 'sent']);
    });
  });

  it('fails every entry with DependencyRejectedError (INTERNAL) when SQS refuses the call', async () => {
    const missingQueue = `${bed.queueUrl.replace(/[^/]+$/, '')}no-such-queue.fifo`;
    const { sender, sqs } = senderAt(bed.emulators.sqsEndpoint, { queueUrl: missingQueue });
    const batch = [pendingEntry(), pendingEntry()];

    const outcomes = await sender.send(batch);

    expect(kinds(outcomes)).toEqual(['failed', 'failed']);
    expect(errorOf(outcomes[0])).toBeInstanceOf(DependencyRejectedError);
    expect(batch.map((p) => p.attempts)).toEqual([1, 1]);
    sqs.destroy();
  });

  it('gives up with UnavailableError once an entry spent its attempts', async () => {
    await withFirstBatch(
      { kind: 'fail', status: 503, errorType: 'ServiceUnavailable' },
      async (s) => {
        const spent = pendingEntry();
        spent.attempts = RETRY.maxAttempts - 1;
        const outcomes = await s.send([spent, pendingEntry()]);
        expect(kinds(outcomes)).toEqual(['failed', 'retry']);
        expect(errorOf(outcomes[0])?.message).toContain(`after ${RETRY.maxAttempts} attempts`);
      },
    );
  });

  it('gives up with UnavailableError once an entry waited longer than the policy allows', async () => {
    const now = Date.now();
    const proxy = await startAwsProxy({
      sqs: bed.emulators.sqsEndpoint,
      plan: () => ({
        kind: 'fail',
        status: 503,
        errorType: 'ServiceUnavailable',
      }),
    });
    const { sender, sqs } = senderAt(proxy.endpoint, { now: () => now });
    const outcomes = await sender.send([
      pendingEntry({ acceptedAt: now - RETRY.giveUpAfterMs }),
      pendingEntry({ acceptedAt: now - RETRY.giveUpAfterMs + 1 }),
    ]);
    expect(kinds(outcomes)).toEqual(['failed', 'retry']);
    expect(errorOf(outcomes[0])).toBeInstanceOf(UnavailableError);
    sqs.destroy();
    await proxy.close();
  });

  it('backs off by the most attempts among the retried entries', () => {
    const almostOne = 1 - Number.EPSILON;
    const sender = new SqsBatchSender({
      sqs: testSqsClient(bed.emulators.sqsEndpoint),
      queueUrl: bed.queueUrl,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      retry: { ...RETRY, initialBackoffMs: 100, maxBackoffMs: 1_000 },
      random: () => almostOne,
    });
    const once = pendingEntry();
    once.attempts = 1;
    const thrice = pendingEntry();
    thrice.attempts = 3;
    // Full jitter below a cap of 100 · 2^(3-1) ms.
    expect(sender.retryDelayMs([once, thrice])).toBe(399);
    expect(sender.retryDelayMs([once])).toBe(99);
  });
});
