import type { JobRecord } from '../../core/jobs/job.js';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

/** A sleep far longer than the pollers need to pick up six messages. */
const PARALLEL_SLEEP_MS = 4_000;

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

async function runToEnd(jobIds: string[]): Promise<JobRecord[]> {
  await system.client.watchAll(jobIds);
  const records = await system.runtime.table.batchGet(
    jobIds.map((jobId) => ({ tenant: 'default', jobId })),
  );
  const byId = new Map(records.map((r) => [r.jobId, r]));
  return jobIds.map((id) => byId.get(id)!);
}

describe('contract 3: jobs of one group start in submit order and never overlap', () => {
  it('runs 20 sleep jobs of one group strictly in submit order, one at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(
        (
          await system.client.submit(
            submitRequest({ type: 'sleep', groupKey: 'ordered' }, { ms: 30 }),
          )
        ).jobId,
      );
    }
    const records = await runToEnd(ids);
    for (const record of records) expect(record.state).toBe('SUCCEEDED');
    for (let i = 1; i < records.length; i++) {
      expect(records[i]!.startedAt!).toBeGreaterThanOrEqual(records[i - 1]!.finishedAt!);
    }
  });

  it('runs jobs of different groups in parallel', async () => {
    // Each job sleeps long enough that all six start before the first ends, however
    // late a loaded machine's pollers pick them up.
    const acks = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        system.client.submit(
          submitRequest({ type: 'sleep', groupKey: `parallel-${i}` }, { ms: PARALLEL_SLEEP_MS }),
        ),
      ),
    );
    const records = await runToEnd(acks.map((a) => a.jobId));
    const latestStart = Math.max(...records.map((r) => r.startedAt!));
    const earliestFinish = Math.min(...records.map((r) => r.finishedAt!));
    expect(latestStart).toBeLessThan(earliestFinish);
  });

  it('holds a group behind a failing job until it succeeds', async () => {
    const flaky = await system.client.submit(
      submitRequest({ type: 'flaky', groupKey: 'held' }, { failures: 1 }),
    );
    const next = await system.client.submit(
      submitRequest({ type: 'echo', groupKey: 'held' }, { after: 'flaky' }),
    );
    const [flakyRecord, nextRecord] = await runToEnd([flaky.jobId, next.jobId]);
    expect(flakyRecord).toMatchObject({ state: 'SUCCEEDED', attempts: 2 });
    expect(nextRecord!.startedAt!).toBeGreaterThanOrEqual(flakyRecord!.finishedAt!);
    const job = await system.client.get(next.jobId);
    expect(job.state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });
});
