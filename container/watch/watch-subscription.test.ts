import type { JobKey, JobRecord, JobState, JobTransition } from '../../core/jobs/job.js';
import { WatchSubscription, type SubscriptionOwner } from './watch-subscription.js';

/** An owner that records what the subscription tells it. */
class RecordingOwner implements SubscriptionOwner {
  readonly finished: string[] = [];
  ended = 0;
  jobFinished(_subscription: WatchSubscription, key: JobKey): void {
    this.finished.push(key.jobId);
  }
  subscriptionEnded(): void {
    this.ended += 1;
  }
}

function job(
  jobId: string,
  version: number,
  transitions: [JobState, number][],
  extra: Partial<JobRecord> = {},
): JobRecord {
  const history: JobTransition[] = transitions.map(([state, v]) => ({
    state,
    version: v,
    at: v * 1000,
  }));
  const last = history[history.length - 1] as JobTransition;
  return {
    tenant: 'default',
    jobId,
    channel: 'default',
    type: 'sleep',
    state: last.state,
    version,
    attempts: history.filter((t) => t.state === 'RUNNING').length,
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    contentType: 'application/json',
    sequenceNumber: '1',
    submitToken: 't',
    transitions: history,
    createdAt: 1000,
    updatedAt: version * 1000,
    ...extra,
  };
}

async function readAll(subscription: WatchSubscription): Promise<JobRecord[]> {
  const snapshots: JobRecord[] = [];
  for await (const snapshot of subscription) snapshots.push(snapshot);
  return snapshots;
}

describe('WatchSubscription', () => {
  it('replays the transitions a poll skipped, one snapshot each, then the current record', async () => {
    const subscription = new WatchSubscription(
      [job('A', 1, [['QUEUED', 1]])],
      new RecordingOwner(),
    );
    const reading = readAll(subscription);
    // Between two polls the job ran, reported progress twice, failed once, ran again and succeeded.
    subscription.offer(
      job(
        'A',
        8,
        [
          ['QUEUED', 1],
          ['RUNNING', 2],
          ['QUEUED', 4],
          ['RUNNING', 5],
          ['SUCCEEDED', 8],
        ],
        {
          result: Buffer.from('done'),
          startedAt: 5000,
          finishedAt: 8000,
        },
      ),
    );
    const snapshots = await reading;
    expect(snapshots.map((s) => [s.state, s.version, s.attempts])).toEqual([
      ['QUEUED', 1, 0],
      ['RUNNING', 2, 1],
      ['QUEUED', 4, 1],
      ['RUNNING', 5, 2],
      ['SUCCEEDED', 8, 2],
    ]);
    expect(snapshots[1]).toMatchObject({ updatedAt: 2000, startedAt: 2000 });
    expect(snapshots[1]?.result).toBeUndefined();
    expect(snapshots[4]?.result).toEqual(Buffer.from('done'));
  });

  it('replays the last transition too when progress writes came after it', async () => {
    const subscription = new WatchSubscription(
      [job('A', 1, [['QUEUED', 1]])],
      new RecordingOwner(),
    );
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    subscription.offer(
      job(
        'A',
        4,
        [
          ['QUEUED', 1],
          ['RUNNING', 2],
        ],
        { progress: { fraction: 0.5, message: 'half' } },
      ),
    );
    const replayed = (await iterator.next()).value as JobRecord;
    expect(replayed).toMatchObject({ state: 'RUNNING', version: 2 });
    expect(replayed.progress).toBeUndefined();
    expect((await iterator.next()).value).toMatchObject({
      state: 'RUNNING',
      version: 4,
      progress: { fraction: 0.5 },
    });
    subscription.close();
  });

  it('keeps only the newest record of a job for a reader that does not keep up', async () => {
    const subscription = new WatchSubscription(
      [
        job('A', 2, [
          ['QUEUED', 1],
          ['RUNNING', 2],
        ]),
      ],
      new RecordingOwner(),
    );
    for (let version = 3; version <= 10_002; version++) {
      subscription.offer(
        job(
          'A',
          version,
          [
            ['QUEUED', 1],
            ['RUNNING', 2],
          ],
          { progress: { fraction: version / 10_002, message: '' } },
        ),
      );
    }
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ version: 10_002 });
    subscription.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('ignores records that are not newer than what it already has', async () => {
    const subscription = new WatchSubscription(
      [
        job('A', 2, [
          ['QUEUED', 1],
          ['RUNNING', 2],
        ]),
      ],
      new RecordingOwner(),
    );
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    subscription.offer(
      job('A', 2, [
        ['QUEUED', 1],
        ['RUNNING', 2],
      ]),
    );
    subscription.offer(job('A', 1, [['QUEUED', 1]]));
    subscription.offer(
      job('A', 3, [
        ['QUEUED', 1],
        ['RUNNING', 2],
        ['FAILED', 3],
      ]),
    );
    expect((await iterator.next()).value).toMatchObject({ state: 'FAILED', version: 3 });
    expect((await iterator.next()).done).toBe(true);
  });

  it('ends after every job was seen terminal, telling its owner about each', async () => {
    const owner = new RecordingOwner();
    const subscription = new WatchSubscription(
      [
        job('A', 1, [['QUEUED', 1]]),
        job('B', 3, [
          ['QUEUED', 1],
          ['RUNNING', 2],
          ['SUCCEEDED', 3],
        ]),
      ],
      owner,
    );
    const reading = readAll(subscription);
    subscription.offer(
      job('A', 2, [
        ['QUEUED', 1],
        ['CANCELLED', 2],
      ]),
    );
    expect((await reading).map((s) => `${s.jobId}:${s.state}`)).toEqual([
      'A:QUEUED',
      'B:SUCCEEDED',
      'A:CANCELLED',
    ]);
    expect(owner.finished.sort()).toEqual(['A', 'B']);
    expect(owner.ended).toBe(1);
  });
});
