import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { encodeEnvelope, messageGroupId } from '../../core/envelope/message-envelope.js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { provisionResources } from '../../local/provision/provision-resources.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { submitRequest } from '../support/grpc-test-client.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const queueUrl = (): string => system.runtime.queues.get('default')!.queueUrl;

async function finished(jobId: string) {
  const snapshots = await system.client.watchAll([jobId]);
  return snapshots[snapshots.length - 1]!;
}

describe('contract 2: one idempotency key means one job', () => {
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

  it('gives different tenants, channels and keys different job ids', async () => {
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
