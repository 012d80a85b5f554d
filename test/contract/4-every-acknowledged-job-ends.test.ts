import { createHash } from 'node:crypto';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { lastSnapshots } from '../support/job-states.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

describe('contract 4: every acknowledged job ends in a terminal state', () => {
  it('brings each example job to its terminal state, visible through GetJob and WatchJobs', async () => {
    const cases = [
      { type: 'echo', payload: { hello: 'world' }, state: JobState.JOB_STATE_SUCCEEDED },
      { type: 'sleep', payload: { ms: 200 }, state: JobState.JOB_STATE_SUCCEEDED },
      { type: 'sha256', payload: 'abc', state: JobState.JOB_STATE_SUCCEEDED },
      { type: 'fail', payload: { message: 'bad input data' }, state: JobState.JOB_STATE_FAILED },
      { type: 'flaky', payload: { failures: 1 }, state: JobState.JOB_STATE_SUCCEEDED },
      { type: 'flaky', payload: { failures: 5 }, state: JobState.JOB_STATE_DEAD_LETTERED },
    ];
    const acks = await Promise.all(
      cases.map((c) => system.client.submit(submitRequest({ type: c.type }, c.payload))),
    );
    const last = lastSnapshots(await system.client.watchAll(acks.map((a) => a.jobId)));
    const results = await Promise.all(acks.map((a) => system.client.get(a.jobId)));
    cases.forEach((c, i) => {
      expect(last.get(acks[i]!.jobId)?.state).toBe(c.state);
      expect(results[i]!.state).toBe(c.state);
    });
    const [echo, , sha, fail, flaky, dead] = results;
    expect(JSON.parse(Buffer.from(echo!.result).toString())).toEqual({ hello: 'world' });
    expect(Buffer.from(sha!.result).toString()).toBe(
      createHash('sha256').update(JSON.stringify('abc')).digest('hex'),
    );
    expect(fail!.error?.message).toContain('bad input data');
    expect(fail!.attempts).toBe(1);
    expect(flaky!.attempts).toBe(2);
    expect(dead!.attempts).toBe(3);
    expect(dead!.error?.message).toMatch(/attempt 3/i);
    expect(dead!.finishedAt).toBeInstanceOf(Date);
  });

  it('keeps a job QUEUED while its message waits', async () => {
    const blocker = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'wait' }, { ms: 1500 }),
    );
    const waiting = await system.client.submit(submitRequest({ type: 'echo', groupKey: 'wait' }));
    expect((await system.client.get(waiting.jobId)).state).toBe(JobState.JOB_STATE_QUEUED);
    await system.client.watchAll([blocker.jobId, waiting.jobId]);
  });
});
