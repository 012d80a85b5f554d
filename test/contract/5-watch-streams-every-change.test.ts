import { status, type ServiceError } from '@grpc/grpc-js';
import { JobState, type Job } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { failureOf, submitRequest } from '../support/grpc-test-client.js';
import { lastSnapshots, TERMINAL } from '../support/job-states.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

describe('contract 5: a watch sends the current state, then every change, then ends', () => {
  it('streams QUEUED, RUNNING, progress and SUCCEEDED with growing versions, then ends', async () => {
    const ack = await system.client.submit(submitRequest({ type: 'sleep' }, { ms: 800 }));
    const snapshots = await system.client.watchAll([ack.jobId]);
    const versions = snapshots.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const states = snapshots.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]);
    expect(states[states.length - 1]).toBe(JobState.JOB_STATE_SUCCEEDED);
    expect(states).toContain(JobState.JOB_STATE_RUNNING);
    expect(snapshots.some((s) => (s.progress?.fraction ?? 0) > 0)).toBe(true);
  });

  it('sends every transition even of a job faster than the poll interval', async () => {
    const ack = await system.client.submit(submitRequest({ type: 'echo' }));
    const record = await system.runtime.table.get({ tenant: 'default', jobId: ack.jobId });
    const snapshots = await system.client.watchAll([ack.jobId]);
    const first = snapshots[0]!.version;
    const seen = snapshots.map((s) => s.state);
    const finalRecord = (await system.runtime.table.get({ tenant: 'default', jobId: ack.jobId }))!;
    const expected = finalRecord.transitions.filter((t) => t.version >= first).map((t) => t.state);
    expect(seen.map((s) => JobState[s].replace('JOB_STATE_', ''))).toEqual(expected);
    expect(record).toBeDefined();
  });

  it('loses nothing on reconnect: the record is the source of truth', async () => {
    const ack = await system.client.submit(submitRequest({ type: 'sleep' }, { ms: 600 }));
    const first = await new Promise<Job>((resolve, reject) => {
      const stream = system.client.raw.watchJobs({ jobIds: [ack.jobId] });
      stream.once('data', (response: { job: Job }) => {
        stream.cancel();
        resolve(response.job);
      });
      stream.on('error', (error: ServiceError) => {
        if (error.code !== status.CANCELLED) reject(error);
      });
    });
    const rest = await system.client.watchAll([ack.jobId]);
    expect(rest[0]!.version).toBeGreaterThanOrEqual(first.version);
    expect(rest[rest.length - 1]!.state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });

  it('watches 200 jobs on one stream until each is terminal, then ends by itself', async () => {
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        system.client.submit(submitRequest({ type: 'echo' }, { i })),
      ),
    );
    const last = lastSnapshots(await system.client.watchAll(acks.map((a) => a.jobId)));
    expect(last.size).toBe(200);
    for (const job of last.values()) expect(TERMINAL.has(job.state)).toBe(true);
  });

  it('answers NOT_FOUND before streaming anything when one id is unknown', async () => {
    const ack = await system.client.submit(submitRequest({ type: 'echo' }));
    const seen: Job[] = [];
    const failure = await failureOf(
      system.client.watchAll([ack.jobId, '01ARZ3NDEKTSV4RRFFQ69G5FAV'], (j) => seen.push(j)),
    );
    expect(failure.code).toBe(status.NOT_FOUND);
    expect(seen).toHaveLength(0);
  });
});
