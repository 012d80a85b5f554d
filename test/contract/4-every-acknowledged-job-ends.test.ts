import { createHash } from 'node:crypto';
import { JobState } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { lastSnapshots } from '../support/job-states.js';
import { queueCounts, queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

/** Long enough for several looks at the job waiting behind it. */
const BLOCKER_MS = 3_000;

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const queueUrl = (): string => system.runtime.queues.get('default')!.queueUrl;

/** Messages the consumers have been given from the default queue so far. */
function receivedMessages(): number {
  return (
    system.runtime
      .consumerMetrics()
      .find((metrics) => metrics.channel === 'default' && metrics.source === 'queue')
      ?.receivedMessageCount ?? 0
  );
}

/** What a look at a job waiting behind a running one saw. */
interface WaitingLook {
  state: JobState;
  visible: number;
  inFlight: number;
  /** Messages the consumers were given since the test began. */
  received: number;
}

/**
 * The waiting job's state, the queue's counts and the consumers' receipts,
 * or undefined when the blocker was no longer RUNNING once they were read
 * (its turn may have ended during the look).
 */
async function lookAtWaiting(
  waitingId: string,
  blockerId: string,
  receivedBefore: number,
): Promise<WaitingLook | undefined> {
  const { state } = await system.client.get(waitingId);
  const counts = await queueCounts(system.runtime.clients.sqs, queueUrl());
  const received = receivedMessages() - receivedBefore;
  const blocker = await system.client.get(blockerId);
  if (blocker.state !== JobState.JOB_STATE_RUNNING) return undefined;
  return { state, ...counts, received };
}

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

  it('keeps a job QUEUED, its one message waiting in the queue, behind a long job of its group, then runs it', async () => {
    // Measured from an empty queue, whatever the tests before left behind.
    await waitUntil(async () => (await queueDepth(system.runtime.clients.sqs, queueUrl())) === 0, {
      what: 'the queue to empty',
    });
    const receivedBefore = receivedMessages();
    const blocker = await system.client.submit(
      submitRequest({ type: 'sleep', groupKey: 'wait' }, { ms: BLOCKER_MS }),
    );
    const waiting = await system.client.submit(submitRequest({ type: 'echo', groupKey: 'wait' }));

    // While the blocker runs (it reports progress in tenths), look at the waiting job and the
    // queue; a look counts only if the blocker was still RUNNING after it.
    const looks: Promise<WaitingLook | undefined>[] = [];
    await system.client.watchAll([blocker.jobId], (snapshot) => {
      if (snapshot.state === JobState.JOB_STATE_RUNNING)
        looks.push(lookAtWaiting(waiting.jobId, blocker.jobId, receivedBefore));
    });
    const valid = (await Promise.all(looks)).filter((look) => look !== undefined);
    expect(valid.length).toBeGreaterThan(0);
    for (const look of valid) {
      // Two messages: the blocker's, which the consumer holds (the only one it was given),
      // and the waiting job's, visible in the queue.
      expect(look).toEqual({
        state: JobState.JOB_STATE_QUEUED,
        visible: 1,
        inFlight: 1,
        received: 1,
      });
    }

    const last = lastSnapshots(await system.client.watchAll([waiting.jobId])).get(waiting.jobId);
    expect(last?.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    const [blockerJob, waitingJob] = await Promise.all([
      system.client.get(blocker.jobId),
      system.client.get(waiting.jobId),
    ]);
    expect(waitingJob.startedAt!.getTime()).toBeGreaterThanOrEqual(
      blockerJob.finishedAt!.getTime(),
    );
  });
});
