import { status } from '@grpc/grpc-js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { failureOf, submitRequest } from '../support/grpc-test-client.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

describe('CancelJob', () => {
  it('cancels a QUEUED job, which then never runs', async () => {
    const blocker = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'c' }, { ms: 1000 }),
    );
    const victim = await system.client.submit(submitRequest({ type: 'echo', groupKey: 'c' }));
    const cancelled = await system.client.cancel(victim.jobId);
    expect(cancelled.state).toBe(JobState.JOB_STATE_CANCELLED);

    await system.client.watchAll([blocker.jobId]);
    const queueUrl = system.runtime.queues.get('default')!.queueUrl;
    await waitUntil(async () => (await queueDepth(system.runtime.clients.sqs, queueUrl)) === 0, {
      what: 'the cancelled job’s message to be consumed',
    });
    const after = await system.client.get(victim.jobId);
    expect(after).toMatchObject({ state: JobState.JOB_STATE_CANCELLED, attempts: 0 });
  });

  it('refuses to cancel a finished job with FAILED_PRECONDITION', async () => {
    const ack = await system.client.submit(submitRequest({ type: 'echo' }));
    await system.client.watchAll([ack.jobId]);
    expect((await failureOf(system.client.cancel(ack.jobId))).code).toBe(
      status.FAILED_PRECONDITION,
    );
  });
});
