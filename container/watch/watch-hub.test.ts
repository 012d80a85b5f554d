import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../../core/errors/index.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import { startAwsTestBed, type AwsTestBed } from '../testing/aws-test-bed.js';
import { WatchHub, type PollReport, type WatchHubOptions } from './watch-hub.js';

const TABLE = 'watch-jobs';
let bed: AwsTestBed;
let table: JobsTable;
let counter = 0;

beforeAll(async () => {
  bed = await startAwsTestBed({ tableName: TABLE, queuePrefix: 'watch' });
  table = bed.table;
});

afterAll(() => bed.stop());

async function queuedJob(): Promise<JobRecord> {
  counter += 1;
  const record: JobRecord = {
    tenant: 'default',
    jobId: `WATCH${String(counter).padStart(21, '0')}`,
    channel: 'default',
    type: 'echo',
    state: 'QUEUED',
    version: 1,
    attempts: 0,
    groupKey: '',
    idempotencyKey: '',
    attributes: {},
    contentType: 'application/json',
    sequenceNumber: String(counter),
    submitToken: 't',
    transitions: [{ state: 'QUEUED', version: 1, at: Date.now() }],
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
  await table.create(record);
  return record;
}

async function succeed(record: JobRecord): Promise<void> {
  const running = await table.markRunning(record, record.version);
  await table.markSucceeded(record, running?.version ?? 0, Buffer.from('{}'), 'application/json');
}

/** A table over its own DynamoDB client that counts the BatchGetItem calls it makes. */
function countingTable(): {
  table: JobsTable;
  batchGets: () => number;
  consistentReads: () => boolean[];
  destroy: () => void;
} {
  const dynamodb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: bed.emulators.dynamoEndpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  let batchGets = 0;
  const consistentReads: boolean[] = [];
  dynamodb.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'BatchGetItemCommand') {
        batchGets += 1;
        const input = args.input as { RequestItems?: Record<string, { ConsistentRead?: boolean }> };
        consistentReads.push(input.RequestItems?.[TABLE]?.ConsistentRead === true);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countBatchGets' },
  );
  const documents = DynamoDBDocumentClient.from(dynamodb);
  return {
    table: new JobsTable({ client: documents, tableName: TABLE }),
    batchGets: () => batchGets,
    consistentReads: () => consistentReads,
    destroy: () => dynamodb.destroy(),
  };
}

/** A hub whose polls can be awaited. */
function observedHub(options: Partial<WatchHubOptions> = {}): {
  hub: WatchHub;
  nextPoll: () => Promise<PollReport>;
} {
  let waiters: ((poll: PollReport) => void)[] = [];
  const hub = new WatchHub({
    table,
    fastIntervalMs: 5,
    slowIntervalMs: 40,
    ...options,
    onPoll: (poll) => {
      const current = waiters;
      waiters = [];
      for (const wake of current) wake(poll);
    },
  });
  return { hub, nextPoll: () => new Promise((resolve) => waiters.push(resolve)) };
}

describe('WatchHub', () => {
  it('reads 250 watched jobs with three BatchGetItem calls a poll, for any number of watchers', async () => {
    const counted = countingTable();
    const { hub, nextPoll } = observedHub({ table: counted.table });
    const records = await Promise.all(Array.from({ length: 250 }, () => queuedJob()));
    const subscriptions = [
      hub.subscribe(records),
      hub.subscribe(records.slice(0, 100)),
      hub.subscribe(records.slice(200)),
    ];
    await nextPoll();
    const before = counted.batchGets();
    await nextPoll();
    expect(counted.batchGets() - before).toBe(3);
    expect(hub.metrics).toMatchObject({ watchedJobs: 250, subscriptions: 3 });
    hub.close();
    for (const subscription of subscriptions) subscription.close();
    counted.destroy();
  });

  it('polls with eventually consistent reads, which cost half the read units', async () => {
    const counted = countingTable();
    const { hub, nextPoll } = observedHub({ table: counted.table });
    const subscription = hub.subscribe([await queuedJob()]);

    await nextPoll();

    expect(counted.consistentReads()).toEqual([false]);
    subscription.close();
    hub.close();
    counted.destroy();
  });

  it('emits the current record first and then only records whose version changed', async () => {
    const { hub, nextPoll } = observedHub();
    const record = await queuedJob();
    const subscription = hub.subscribe([record]);
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ state: 'QUEUED', version: 1 });

    // Polls without a change add nothing.
    await nextPoll();
    await nextPoll();
    const running = await table.markRunning(record, record.version);
    expect((await iterator.next()).value).toMatchObject({ state: 'RUNNING', version: 2 });
    await table.markSucceeded(record, running?.version ?? 0, Buffer.from('ok'), 'text/plain');
    expect((await iterator.next()).value).toMatchObject({ state: 'SUCCEEDED', version: 3 });
    expect((await iterator.next()).done).toBe(true);
    hub.close();
  });

  it('fans one change out to every watcher of the job', async () => {
    const { hub } = observedHub();
    const record = await queuedJob();
    const watchers = [hub.subscribe([record]), hub.subscribe([record])];
    const collected = watchers.map(async (subscription) => {
      const states: string[] = [];
      for await (const snapshot of subscription) states.push(snapshot.state);
      return states;
    });
    await succeed(record);
    for (const states of await Promise.all(collected)) {
      expect(states).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    }
    hub.close();
  });

  it('backs off while nothing changes and polls fast again after a change', async () => {
    const { hub, nextPoll } = observedHub({ fastIntervalMs: 5, slowIntervalMs: 40 });
    const record = await queuedJob();
    const subscription = hub.subscribe([record]);
    const intervals: number[] = [];
    for (let i = 0; i < 4; i++) intervals.push((await nextPoll()).nextIntervalMs);
    expect(intervals.slice(0, 2)).toEqual([10, 20]);
    // At the ceiling a job joins the shared slow cadence: within half an interval of it.
    for (const interval of intervals.slice(2)) {
      expect(interval).toBeGreaterThanOrEqual(20);
      expect(interval).toBeLessThanOrEqual(60);
    }

    await table.markRunning(record, record.version);
    let poll = await nextPoll();
    while (poll.changed === 0) poll = await nextPoll();
    expect(poll.nextIntervalMs).toBeLessThanOrEqual(5);
    subscription.close();
    hub.close();
  });

  it('polls a job that changed fast again while an unchanged one stays at the slow cadence', async () => {
    const { hub, nextPoll } = observedHub({ fastIntervalMs: 5, slowIntervalMs: 1_000 });
    const [changing, idle] = [await queuedJob(), await queuedJob()];
    const subscriptions = [hub.subscribe([changing]), hub.subscribe([idle])];
    let poll = await nextPoll();
    while (poll.nextIntervalMs < 500) poll = await nextPoll();

    await table.markRunning(changing, changing.version);
    poll = await nextPoll();
    while (poll.changed === 0) poll = await nextPoll();
    const after = await nextPoll();

    expect(poll.jobs).toBe(2);
    expect(after).toMatchObject({ jobs: 1, changed: 0 });
    for (const subscription of subscriptions) subscription.close();
    hub.close();
  });

  it('goes idle, with no timer, when no job is watched any more', async () => {
    const { hub } = observedHub();
    const record = await queuedJob();
    const subscription = hub.subscribe([record]);
    expect(hub.active).toBe(true);
    const done = (async () => {
      for await (const _snapshot of subscription) {
        // read to the end
      }
    })();
    await succeed(record);
    await done;
    expect(hub.active).toBe(false);
    expect(hub.metrics).toMatchObject({ watchedJobs: 0, subscriptions: 0 });
    hub.close();
  });

  it('does not poll for jobs that are already terminal', async () => {
    const { hub } = observedHub();
    const record = await queuedJob();
    await succeed(record);
    const finished = await table.get(record);
    const snapshots: JobRecord[] = [];
    for await (const snapshot of hub.subscribe([finished as JobRecord])) snapshots.push(snapshot);
    expect(snapshots.map((s) => s.state)).toEqual(['SUCCEEDED']);
    expect(hub.metrics.polls).toBe(0);
    expect(hub.active).toBe(false);
  });

  it('ends every subscription with UnavailableError when it closes', async () => {
    const { hub } = observedHub();
    const record = await queuedJob();
    const subscription = hub.subscribe([record]);
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    hub.close();
    await expect(pending).rejects.toBeInstanceOf(UnavailableError);
    expect(() => hub.subscribe([record])).toThrow(UnavailableError);
    expect(hub.active).toBe(false);
  });
});
