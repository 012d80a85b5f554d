import { startTestSystem, type TestSystem } from '../test/support/test-runtime.js';
import {
  ConnectTimeoutError,
  SluiceClient,
  json,
  type BulkSubmitItem,
  type BulkSubmitResult,
  type Job,
} from './index.js';
import { clientFailure } from '../test/support/client-failure.js';

/** A sleep long enough to observe RUNNING and progress, short enough for a quick suite. */
const SLEEP_MS = 1_500;
/** A well-formed job id that names no job. */
const UNKNOWN_JOB_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let system: TestSystem;
let client: SluiceClient;

beforeAll(async () => {
  process.env.SLUICE_LOG_LEVEL = 'silent';
  system = await startTestSystem();
  client = new SluiceClient({ endpoint: system.runtime.endpoint });
});

afterAll(async () => {
  client?.close();
  await system?.stop();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function expectStrictlyIncreasingVersions(snapshots: Job[]): void {
  const versions = snapshots.map((job) => job.version);
  expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
}

describe('SluiceClient against a running Sluice', () => {
  it('submits a job and waits for its result', async () => {
    const submitted = await client.submit({ type: 'echo', payload: json({ a: 1 }) });
    expect(submitted).toMatchObject({ duplicate: false, idempotencyKey: '' });
    const job = await client.waitFor(submitted.jobId);
    expect(job.state).toBe('SUCCEEDED');
    expect(job.result?.json()).toEqual({ a: 1 });
    expect((await client.get(submitted.jobId)).state).toBe('SUCCEEDED');
  });

  it('returns the same job for a repeated idempotency key', async () => {
    const job = { type: 'echo', payload: json({ once: true }) };
    const first = await client.submit(job, { idempotencyKey: 'client-test-once' });
    const second = await client.submit(job, { idempotencyKey: 'client-test-once' });
    expect(second).toMatchObject({ jobId: first.jobId, duplicate: true });
  });

  it('reports a rejected submit as INVALID_ARGUMENT naming the field', async () => {
    const error = await clientFailure(client.submit({ type: 'no-such-type' }));
    expect(error.codeName).toBe('INVALID_ARGUMENT');
    expect(error.field).toEqual(expect.stringContaining('type'));
  });

  it('reports an unknown job as NOT_FOUND to get and watch', async () => {
    expect((await clientFailure(client.get(UNKNOWN_JOB_ID))).codeName).toBe('NOT_FOUND');
    expect((await clientFailure(collect(client.watch(UNKNOWN_JOB_ID)))).codeName).toBe('NOT_FOUND');
  });

  it('cancels a queued job, which then ends CANCELLED', async () => {
    // The second job of a group waits while the first one runs.
    const groupKey = 'client-test-cancel';
    const running = await client.submit({
      type: 'sleep',
      payload: json({ ms: SLEEP_MS }),
      groupKey,
    });
    const queued = await client.submit({ type: 'echo', groupKey });
    const cancelled = await client.cancel(queued.jobId);
    expect(cancelled.state).toBe('CANCELLED');
    expect((await client.waitFor(queued.jobId)).state).toBe('CANCELLED');
    expect((await client.waitFor(running.jobId)).state).toBe('SUCCEEDED');
    expect((await clientFailure(client.cancel(running.jobId))).codeName).toBe(
      'FAILED_PRECONDITION',
    );
  });

  it('watches a job through every state, each snapshot once and in version order', async () => {
    const { jobId } = await client.submit({ type: 'sleep', payload: json({ ms: SLEEP_MS }) });
    const snapshots = await collect(client.watch(jobId));
    expectStrictlyIncreasingVersions(snapshots);
    expect(snapshots.map((job) => job.state)).toEqual(expect.arrayContaining(['RUNNING']));
    expect(snapshots.at(-1)?.state).toBe('SUCCEEDED');
  });
});

describe('SluiceClient across a front that goes away', () => {
  it('resumes a watch across a restarted front and yields each change once', async () => {
    const { jobId } = await client.submit({ type: 'sleep', payload: json({ ms: 4 * SLEEP_MS }) });
    const snapshots: Job[] = [];
    const pidBefore = system.runtime.frontPid();
    let restart: Promise<void> | undefined;
    for await (const job of client.watch(jobId)) {
      snapshots.push(job);
      if (restart === undefined && job.state === 'RUNNING') {
        restart = system.runtime.killFront().then(() => system.runtime.startFront());
      }
    }
    await restart;
    expect(system.runtime.frontPid()).not.toBe(pidBefore);
    expectStrictlyIncreasingVersions(snapshots);
    expect(snapshots.at(-1)?.state).toBe('SUCCEEDED');
    const record = await client.get(jobId);
    expect(snapshots.at(-1)?.version).toBe(record.version);
  });

  it('resubmits exactly the unanswered items after the front is killed mid-stream', async () => {
    const count = 120;
    const items: BulkSubmitItem[] = Array.from({ length: count }, (_, index) => ({
      ref: `item-${index}`,
      job: index === 7 ? { type: 'no-such-type' } : { type: 'echo', payload: json({ index }) },
    }));
    const answers = new Map<string, BulkSubmitResult[]>();
    let restart: Promise<void> | undefined;
    for await (const result of client.submitMany(items, { maxInFlight: 30 })) {
      answers.set(result.ref, [...(answers.get(result.ref) ?? []), result]);
      if (restart === undefined && answers.size === count / 3) {
        restart = system.runtime.killFront().then(() => system.runtime.startFront());
      }
    }
    await restart;
    expect([...answers.keys()].sort()).toEqual(items.map((item) => item.ref).sort());
    expect([...answers.values()].every((results) => results.length === 1)).toBe(true);
    const results = [...answers.values()].flat();
    expect(answers.get('item-7')?.[0]?.error?.codeName).toBe('INVALID_ARGUMENT');
    const accepted = results.filter((result) => result.error === undefined);
    expect(accepted).toHaveLength(count - 1);
    expect(accepted.every((result) => result.duplicate === false)).toBe(true);

    // The same keys give the same jobs: nothing was enqueued twice.
    const again = await collect(
      client.submitMany(
        accepted.map((result) => ({
          ref: result.ref,
          job: { type: 'echo', idempotencyKey: result.idempotencyKey },
        })),
      ),
    );
    const firstIds = new Map(accepted.map((result) => [result.ref, result.jobId]));
    expect(again.every((result) => result.jobId === firstIds.get(result.ref))).toBe(true);
    expect(again.every((result) => result.duplicate === true)).toBe(true);
  });

  it('retries a keyed submit until the front is back, and never retries a keyless one', async () => {
    const impatient = new SluiceClient({
      endpoint: system.runtime.endpoint,
      connectTimeoutMs: 300,
    });
    try {
      await system.runtime.killFront();
      const keyless = await clientFailure(impatient.submit({ type: 'echo' }));
      expect(keyless).toBeInstanceOf(ConnectTimeoutError);
      const keyed = client.submit({ type: 'echo' }, { idempotencyKey: 'auto' });
      await system.runtime.startFront();
      expect((await keyed).jobId).toEqual(expect.any(String));
    } finally {
      impatient.close();
    }
  });
});
