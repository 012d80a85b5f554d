import { status } from '@grpc/grpc-js';
import { failureOf, unary } from '../../container/testing/front-test-bed.js';
import {
  JobState,
  type Job,
  type ListChannelsResponse,
  type RetryJobResponse,
} from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

process.env.SLUICE_LOG_LEVEL = 'silent';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

function retry(jobId: string): Promise<RetryJobResponse> {
  return unary<RetryJobResponse>((callback) => system.client.raw.retryJob({ jobId }, callback));
}

/** Submits a job and waits until it ended; its last snapshot. */
async function runToEnd(type: string, payload: unknown, groupKey = ''): Promise<Job> {
  const { jobId } = await system.client.submit(submitRequest({ type, groupKey }, payload));
  const snapshots = await system.client.watchAll([jobId]);
  return snapshots[snapshots.length - 1] as Job;
}

async function expectRetriedWithPayload(original: Job, payload: unknown): Promise<void> {
  const first = await retry(original.jobId);
  expect(first.duplicate).toBe(false);
  const retried = first.job as Job;
  expect(retried.jobId).not.toBe(original.jobId);
  expect(retried.retryOf).toBe(original.jobId);
  expect(retried).toMatchObject({
    channel: original.channel,
    groupKey: original.groupKey,
    attributes: original.attributes,
  });
  const after = await system.client.get(original.jobId);
  expect(after.retriedAs).toBe(retried.jobId);
  expect(after.state).toBe(original.state);
  expect(after.version).toBe(original.version);
  // A second call creates nothing: the same new job, marked duplicate.
  const second = await retry(original.jobId);
  expect(second.duplicate).toBe(true);
  expect(second.job?.jobId).toBe(retried.jobId);
  // The retry runs with the original payload: echo's result is that payload,
  // fail fails with the message it carries.
  const snapshots = await system.client.watchAll([retried.jobId]);
  const last = snapshots[snapshots.length - 1] as Job;
  if (retried.type === 'echo') {
    expect(last.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    expect(JSON.parse(Buffer.from(last.result).toString())).toEqual(payload);
  }
  if (retried.type === 'fail') {
    expect(last.state).toBe(JobState.JOB_STATE_FAILED);
    expect(last.error?.message).toContain((payload as { message: string }).message);
  }
}

describe('RetryJob', () => {
  it('retries a FAILED job once, with its payload, however often it is called', async () => {
    const payload = { message: 'broken on purpose' };
    const failed = await runToEnd('fail', payload);
    expect(failed.state).toBe(JobState.JOB_STATE_FAILED);
    await expectRetriedWithPayload(failed, payload);
  });

  it('retries a DEAD_LETTERED job', async () => {
    const payload = { failures: 50 };
    const dead = await runToEnd('flaky', payload);
    expect(dead.state).toBe(JobState.JOB_STATE_DEAD_LETTERED);
    await expectRetriedWithPayload(dead, payload);
  });

  it('retries a CANCELLED job, with its payload, once its message left the queue', async () => {
    const blocker = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'held' }, { ms: 300 }),
    );
    const payload = { kept: 'for the retry' };
    const { jobId } = await system.client.submit(
      submitRequest({ type: 'echo', groupKey: 'held' }, payload),
    );
    const cancelled = await system.client.cancel(jobId);
    expect(cancelled.state).toBe(JobState.JOB_STATE_CANCELLED);
    await system.client.watchAll([blocker.jobId]);
    // The consumer drops the cancelled job's message and keeps its payload on the record.
    await waitUntil(
      async () =>
        (await system.runtime.table.get({ tenant: 'default', jobId }))?.payload !== undefined,
      { what: "the cancelled job's payload to be kept" },
    );
    await expectRetriedWithPayload(await system.client.get(jobId), payload);
  });

  it('refuses a SUCCEEDED job as FAILED_PRECONDITION naming job_id', async () => {
    const done = await runToEnd('echo', { fine: true });
    const failure = await failureOf(retry(done.jobId));
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.field).toBe('job_id');
    expect((await system.client.get(done.jobId)).retriedAs).toBe('');
  });

  it('refuses a QUEUED or RUNNING job as FAILED_PRECONDITION', async () => {
    const running = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'busy' }, { ms: 1000 }),
    );
    const queued = await system.client.submit(
      submitRequest({ type: 'echo', groupKey: 'busy' }, {}),
    );
    for (const jobId of [running.jobId, queued.jobId]) {
      const failure = await failureOf(retry(jobId));
      expect(failure.code).toBe(status.FAILED_PRECONDITION);
    }
    await system.client.watchAll([running.jobId, queued.jobId]);
  });

  it('answers NOT_FOUND for an unknown job and INVALID_ARGUMENT for a malformed id', async () => {
    expect((await failureOf(retry('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).code).toBe(status.NOT_FOUND);
    const malformed = await failureOf(retry('nope'));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.field).toBe('job_id');
  });
});

describe('Job.transitions', () => {
  it('gives every state change with its time and attempt', async () => {
    const done = await runToEnd('flaky', { failures: 1 });
    expect(done.transitions.map((t) => [t.state, t.attempt])).toEqual([
      [JobState.JOB_STATE_QUEUED, 0],
      [JobState.JOB_STATE_RUNNING, 1],
      [JobState.JOB_STATE_QUEUED, 1],
      [JobState.JOB_STATE_RUNNING, 2],
      [JobState.JOB_STATE_SUCCEEDED, 2],
    ]);
    const times = done.transitions.map((t) => (t.at as Date).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('ListChannels', () => {
  const channels = (includeQueueStats: boolean): Promise<ListChannelsResponse> =>
    unary<ListChannelsResponse>((callback) =>
      system.client.raw.listChannels({ includeQueueStats }, callback),
    );

  it('lists every channel with its job types, without figures unless asked', async () => {
    const { channels: listed } = await channels(false);
    expect(listed.map((c) => c.name)).toEqual(['default']);
    expect(listed[0]?.jobTypes).toEqual(
      expect.arrayContaining(['echo', 'sleep', 'sha256', 'fail', 'flaky']),
    );
    expect(listed[0]?.queueStats).toBeUndefined();
  });

  it('gives queue figures to an operator (open mode): a held job is counted', async () => {
    const blocker = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'counted' }, { ms: 1500 }),
    );
    const waiting = await system.client.submit(
      submitRequest({ type: 'echo', groupKey: 'counted' }, {}),
    );
    await waitUntil(
      async () => (await system.client.get(blocker.jobId)).state === JobState.JOB_STATE_RUNNING,
      {
        what: 'the blocker to run',
      },
    );
    const stats = (await channels(true)).channels[0]?.queueStats;
    expect(stats).toBeDefined();
    expect((stats?.visibleMessages ?? 0) + (stats?.inFlightMessages ?? 0)).toBeGreaterThanOrEqual(
      2,
    );
    expect(stats?.deadLetterMessages).toBeGreaterThanOrEqual(0);
    await system.client.watchAll([blocker.jobId, waiting.jobId]);
  });
});
