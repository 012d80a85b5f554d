import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { encodeEnvelope, messageGroupId } from '../../core/envelope/message-envelope.js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { SluiceClient, json } from '../../client/index.js';
import { ApiKeyAuthenticator } from '../../container/auth/api-key-authenticator.js';
import { startFrontTestBed, type FrontTestBed } from '../../container/testing/front-test-bed.js';
import { defineChannels } from '../../core/channels/channel-config.js';
import type { EventSourceRunner } from '../../local/runner/start-event-source-runner.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { startLocalConsumers } from '../support/local-consumers.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';
import { keysTableNameOf } from '../../core/config/aws-config.js';
import { ApiKeyStore } from '../../core/keys/api-key-store.js';

let system: TestSystem;

const queueUrl = (): string => system.runtime.queues.get('default')!.queueUrl;

async function finished(jobId: string) {
  const snapshots = await system.client.watchAll([jobId]);
  return snapshots[snapshots.length - 1]!;
}

describe('contract 2: one idempotency key means one job', () => {
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.stop());

  it('returns the same job id and duplicate = true for a repeated key', async () => {
    const first = await system.client.submit(
      submitRequest({ type: 'echo', idempotencyKey: 'order-1' }),
    );
    const second = await system.client.submit(
      submitRequest({ type: 'echo', idempotencyKey: 'order-1' }),
    );
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ jobId: first.jobId, duplicate: true });
    const job = await finished(first.jobId);
    expect(job).toMatchObject({ state: JobState.JOB_STATE_SUCCEEDED, attempts: 1 });
  });

  it('answers exactly one of many concurrent submits of one key as new', async () => {
    const acks = await Promise.all(
      Array.from({ length: 20 }, () =>
        system.client.submit(submitRequest({ type: 'echo', idempotencyKey: 'order-concurrent' })),
      ),
    );
    expect(new Set(acks.map((a) => a.jobId)).size).toBe(1);
    expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(await finished(acks[0]!.jobId)).toMatchObject({ attempts: 1 });
  });

  it('still finds the job after the queue forgot the deduplication id', async () => {
    const first = await system.client.submit(
      submitRequest({ type: 'echo', idempotencyKey: 'order-2' }),
    );
    await finished(first.jobId);
    // A fresh queue remembers no deduplication ids: as after SQS's 5-minute window.
    await system.runtime.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl() }));
    await provisionResources(system.runtime.clients, CHANNELS, system.runtime.resources);
    const again = await system.client.submit(
      submitRequest({ type: 'echo', idempotencyKey: 'order-2' }),
    );
    expect(again).toMatchObject({ jobId: first.jobId, duplicate: true });
    expect(await queueDepth(system.runtime.clients.sqs, queueUrl())).toBe(0);
  });

  it('gives different keys different job ids', async () => {
    const a = await system.client.submit(submitRequest({ type: 'echo', idempotencyKey: 'k-a' }));
    const b = await system.client.submit(submitRequest({ type: 'echo', idempotencyKey: 'k-b' }));
    expect(a.jobId).not.toBe(b.jobId);
  });

  it('records the outcome once whatever SQS redelivers', async () => {
    const ack = await system.client.submit(
      submitRequest({ type: 'echo', idempotencyKey: 'order-3' }, { n: 3 }),
    );
    const done = await finished(ack.jobId);
    const record = (await system.runtime.table.get({ tenant: 'default', jobId: ack.jobId }))!;
    // The same message again, as SQS may deliver it after the job finished.
    const envelope = {
      jobId: record.jobId,
      tenant: record.tenant,
      channel: record.channel,
      type: record.type,
      payload: Buffer.from('{"n":3}'),
      contentType: record.contentType,
      groupKey: record.groupKey,
      idempotencyKey: record.idempotencyKey,
      attributes: record.attributes,
      submitToken: record.submitToken,
      createdAt: record.createdAt,
    };
    await system.runtime.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl(),
        MessageBody: encodeEnvelope(envelope),
        MessageGroupId: messageGroupId(envelope),
        MessageDeduplicationId: `${record.jobId}-redelivery`,
      }),
    );
    await waitUntil(async () => (await queueDepth(system.runtime.clients.sqs, queueUrl())) === 0, {
      what: 'the redelivered message to be consumed',
    });
    const after = await system.client.get(ack.jobId);
    expect(after).toMatchObject({
      state: JobState.JOB_STATE_SUCCEEDED,
      attempts: 1,
      version: done.version,
    });
  });
});

/** The deployment's channels plus one more for this test: one key on two channels. */
const TWO_CHANNELS = defineChannels([
  ...CHANNELS,
  { ...CHANNELS[0]!, name: 'second', types: ['echo'] },
]);

describe('contract 2: the key is (tenant, channel, idempotency key)', () => {
  // A front with API keys on (two tenants) and two channels, with consumers.
  let bed: FrontTestBed;
  let consumers: EventSourceRunner;
  const clients = new Map<string, SluiceClient>();
  beforeAll(async () => {
    bed = await startFrontTestBed('contract2', TWO_CHANNELS);
    const store = new ApiKeyStore({
      client: bed.clients.documents,
      tableName: keysTableNameOf(bed.resources),
    });
    const { front } = await bed.startFront({ authenticator: new ApiKeyAuthenticator({ store }) });
    for (const tenant of ['acme', 'globex']) {
      const { key } = await store.create(tenant);
      const endpoint = `127.0.0.1:${front.grpcPort}`;
      clients.set(tenant, new SluiceClient({ endpoint, apiKey: key, retry: { maxAttempts: 1 } }));
    }
    consumers = await startLocalConsumers({
      sqs: bed.clients.sqs,
      table: bed.table,
      region: bed.region,
      queues: bed.queues,
    });
  });
  afterAll(async () => {
    for (const client of clients.values()) client.close();
    await consumers?.stop();
    await bed?.stop();
  });

  const KEYED = [
    { tenant: 'acme', channel: 'default' },
    { tenant: 'globex', channel: 'default' },
    { tenant: 'acme', channel: 'second' },
  ];
  const submitKeyed = ({ tenant, channel }: (typeof KEYED)[number]) =>
    clients
      .get(tenant)!
      .submit(
        { channel, type: 'echo', payload: json({ tenant, channel }) },
        { idempotencyKey: 'order-7' },
      );

  it('gives one key under two tenants and under two channels different jobs, and each (tenant, channel, key) its one job', async () => {
    const firsts = await Promise.all(KEYED.map(submitKeyed));
    expect(new Set(firsts.map((ack) => ack.jobId)).size).toBe(KEYED.length);
    expect(firsts.map((ack) => ack.duplicate)).toEqual(KEYED.map(() => false));

    const again = await Promise.all(KEYED.map(submitKeyed));
    expect(again.map(({ jobId, duplicate }) => ({ jobId, duplicate }))).toEqual(
      firsts.map(({ jobId }) => ({ jobId, duplicate: true })),
    );

    // Three jobs, each filed under its own tenant and channel, each run once.
    for (const [i, { tenant, channel }] of KEYED.entries()) {
      const job = await clients.get(tenant)!.waitFor(firsts[i]!.jobId);
      expect(job).toMatchObject({ channel, state: 'SUCCEEDED', attempts: 1 });
      expect(job.result?.json()).toEqual({ tenant, channel });
      const record = await bed.table.get({ tenant, jobId: firsts[i]!.jobId });
      expect(record).toMatchObject({ tenant, channel, idempotencyKey: 'order-7' });
    }
  });
});
