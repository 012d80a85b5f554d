import { status } from '@grpc/grpc-js';
import { failureOf, submitRequest, type SubmitInput } from '../support/grpc-test-client.js';
import { countRecords } from '../support/job-records.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

let system: TestSystem;
beforeAll(async () => {
  // No consumers: whatever reaches the queue stays there to be counted.
  system = await startTestSystem({ consumers: false });
});
afterAll(() => system.stop());

const defaultQueue = (): string => system.runtime.queues.get('default')!.queueUrl;

/** What a call could have changed: messages in the queue and records in the table. */
interface Footprint {
  messages: number;
  records: number;
}

async function footprint(): Promise<Footprint> {
  const { clients, resources } = system.runtime;
  const [messages, records] = await Promise.all([
    queueDepth(clients.sqs, defaultQueue()),
    countRecords(clients.documents, resources.tableName),
  ]);
  return { messages, records };
}

/** Runs `call` and checks that it left the queue and the table as they were. */
async function changesNothing<T>(call: () => Promise<T>): Promise<T> {
  const before = await footprint();
  const result = await call();
  expect(await footprint()).toEqual(before);
  return result;
}

const badSubmits: [string, SubmitInput][] = [
  ['channel', { type: 'echo', channel: '' }],
  ['channel', { type: 'echo', channel: 'no-such-channel' }],
  ['type', { type: '' }],
  ['type', { type: 'no-such-type' }],
  ['payload', { type: 'echo', payload: Buffer.alloc(512 * 1024) }],
  ['content_type', { type: 'echo', contentType: 'not a media type' }],
  ['group_key', { type: 'echo', groupKey: 'has space' }],
  ['group_key', { type: 'echo', groupKey: 'g'.repeat(500) }],
  ['idempotency_key', { type: 'echo', idempotencyKey: 'bell\u0007' }],
  [
    'attributes',
    {
      type: 'echo',
      attributes: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])),
    },
  ],
  ['attributes.key', { type: 'echo', attributes: { 'bad key!': 'v' } }],
];

describe('contract 6: bad input gets a precise status and changes nothing', () => {
  it.each(badSubmits)(
    'rejects a bad %s with INVALID_ARGUMENT naming it, enqueuing and recording nothing',
    async (field, input) => {
      const failure = await changesNothing(() =>
        failureOf(system.client.submit(submitRequest(input))),
      );
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(failure.field).toBe(field);
      expect(failure.details).toContain(field);
    },
  );

  it('rejects a malformed job id with INVALID_ARGUMENT naming job_id', async () => {
    for (const call of [
      () => system.client.get('not-an-id'),
      () => system.client.cancel(''),
      () => system.client.get(''),
    ]) {
      const failure = await changesNothing(() => failureOf(call()));
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(failure.field).toBe('job_id');
    }
  });

  it('answers NOT_FOUND for a job that does not exist', async () => {
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const call of [
      () => system.client.get(unknown),
      () => system.client.cancel(unknown),
      () => system.client.watchAll([unknown]),
    ]) {
      expect((await changesNothing(() => failureOf(call()))).code).toBe(status.NOT_FOUND);
    }
  });

  it('rejects an empty watch with INVALID_ARGUMENT naming job_ids', async () => {
    const failure = await changesNothing(() => failureOf(system.client.watchAll([])));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.field).toBe('job_ids');
  });

  it('keeps serving after bad input: a good submit adds one message and one record', async () => {
    await failureOf(system.client.submit(submitRequest({ type: 'no-such-type' })));
    const before = await footprint();
    const ack = await system.client.submit(submitRequest({ type: 'echo' }));
    expect(ack.jobId).toMatch(/^[0-9A-Z]{26}$/);
    expect(await footprint()).toEqual({
      messages: before.messages + 1,
      records: before.records + 1,
    });
  });
});
