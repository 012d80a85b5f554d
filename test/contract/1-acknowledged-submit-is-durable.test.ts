import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { lastSnapshots, TERMINAL } from '../support/job-states.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

describe('contract 1: an acknowledged submit is durable', () => {
  it('has the record in place when the ack arrives', async () => {
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        system.client.submit(submitRequest({ type: 'echo' }, { i })),
      ),
    );
    const records = await system.runtime.table.batchGet(
      acks.map((a) => ({ tenant: 'default', jobId: a.jobId })),
    );
    expect(records).toHaveLength(50);
  });

  it('loses no acknowledged job when the front is killed mid-submit', async () => {
    const acked: string[] = [];
    const total = 400;
    let kill: Promise<void> | undefined;
    const submits = Array.from({ length: total }, (_, i) =>
      system.client
        .submit(submitRequest({ type: 'echo', idempotencyKey: `durable-${i}` }, { i }))
        .then((ack) => {
          acked.push(ack.jobId);
          if (acked.length === 100 && kill === undefined) kill = system.runtime.killFront();
        })
        .catch(() => undefined),
    );
    await Promise.all(submits);
    expect(kill).toBeDefined();
    // The last submits can fail before the kill has been reaped.
    await kill;
    expect(acked.length).toBeGreaterThanOrEqual(100);
    await system.runtime.startFront();

    const snapshots = await system.client.watchAll(acked);
    const last = lastSnapshots(snapshots);
    expect(last.size).toBe(acked.length);
    for (const job of last.values()) {
      expect(TERMINAL.has(job.state)).toBe(true);
      expect(job.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    }
  });
});
