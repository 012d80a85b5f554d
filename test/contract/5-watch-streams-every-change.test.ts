import { status, type ServiceError } from '@grpc/grpc-js';
import type { EventSourceRunner } from '../../local/runner/start-event-source-runner.js';
import { JobState, type Job } from '../../proto/gen/ts/sluice/v1/job_service.js';
import { failureOf, submitRequest } from '../support/grpc-test-client.js';
import { OPEN_TENANT } from '../support/job-records.js';
import { lastSnapshots, TERMINAL } from '../support/job-states.js';
import { startLocalConsumers } from '../support/local-consumers.js';
import { RecordingJobsTable, type RecordedWrite } from '../support/recording-jobs-table.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';

let system: TestSystem;
/** The consumers' table: it keeps every write they made, the history a watch is checked against. */
let table: RecordingJobsTable;
let consumers: EventSourceRunner | undefined;
beforeAll(async () => {
  // Consumers run only when a test starts them, on the recording table.
  system = await startTestSystem({ consumers: false });
  table = new RecordingJobsTable({
    client: system.runtime.clients.documents,
    tableName: system.runtime.resources.tableName,
  });
});
afterEach(async () => {
  await consumers?.stop();
  consumers = undefined;
});
afterAll(() => system.stop());

async function startConsumers(): Promise<void> {
  const { runtime } = system;
  consumers = await startLocalConsumers({
    sqs: runtime.clients.sqs,
    table,
    region: runtime.aws.region,
    queues: runtime.queues,
  });
}

/** A state and version, whoever saw it. */
interface Seen {
  state: string;
  version: number;
}

function seenBy(snapshot: Job): Seen {
  return { state: JobState[snapshot.state].replace('JOB_STATE_', ''), version: snapshot.version };
}

/**
 * A job's history as its writers made it: the front's QUEUED record,
 * version 1 (written before its ack: contract 1), then every write the
 * consumers report.
 */
function historyOf(jobId: string): RecordedWrite[] {
  const created: RecordedWrite = { jobId, state: 'QUEUED', version: 1, kind: 'transition' };
  const written = table.writesOf(jobId);
  // A consumer that found no record created it itself: then that is version 1.
  return written.some((write) => write.version === 1) ? written : [created, ...written];
}

/**
 * Checks a watch against the writers' history: from the first snapshot
 * on, every transition appears once, in order, and nothing appears that no
 * writer wrote.
 */
async function expectEveryTransition(jobId: string, snapshots: readonly Job[]): Promise<void> {
  const seen = snapshots.filter((snapshot) => snapshot.jobId === jobId).map(seenBy);
  // A writer reports its write once DynamoDB answered it, which can be after a
  // watcher saw it: wait for the report of the newest version seen.
  const newest = Math.max(...seen.map((snapshot) => snapshot.version));
  await waitUntil(
    () => Promise.resolve(historyOf(jobId).some((write) => write.version >= newest)),
    { what: `the writers' report of ${jobId} version ${newest}` },
  );
  const history = historyOf(jobId);
  const from = seen[0]!.version;
  const transitions = history
    .filter((write) => write.kind === 'transition' && write.version >= from)
    .map(({ state, version }) => ({ state, version }));
  const transitionVersions = new Set(transitions.map((write) => write.version));
  expect(seen.filter((snapshot) => transitionVersions.has(snapshot.version))).toEqual(transitions);
  const written = history.map(({ state, version }) => ({ state, version }));
  for (const snapshot of seen) expect(written).toContainEqual(snapshot);
}

describe('contract 5: a watch sends the current state, then every change, then ends', () => {
  it('streams QUEUED, RUNNING, progress and SUCCEEDED with growing versions, then ends', async () => {
    await startConsumers();
    const ack = await system.client.submit(submitRequest({ type: 'sleep' }, { ms: 800 }));
    const snapshots = await system.client.watchAll([ack.jobId]);
    await expectEveryTransition(ack.jobId, snapshots);
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
    // No consumer runs yet: the front's record is all there is.
    const queued = await system.runtime.table.get({ tenant: OPEN_TENANT, jobId: ack.jobId });
    expect(queued).toMatchObject({ state: 'QUEUED', version: 1 });
    // The watch is polling a QUEUED job (its interval backing off) when the consumers start:
    // an echo job then goes RUNNING and SUCCEEDED between two polls.
    let started: Promise<void> | undefined;
    const snapshots = await system.client.watchAll([ack.jobId], () => {
      started ??= startConsumers();
    });
    await started;
    expect(snapshots.map(seenBy)).toEqual([
      { state: 'QUEUED', version: 1 },
      ...table.writesOf(ack.jobId).map(({ state, version }) => ({ state, version })),
    ]);
    expect(snapshots.map(seenBy).map((snapshot) => snapshot.state)).toEqual([
      'QUEUED',
      'RUNNING',
      'SUCCEEDED',
    ]);
  });

  it('loses nothing on reconnect: the record is the source of truth', async () => {
    await startConsumers();
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
    await expectEveryTransition(ack.jobId, rest);
    expect(rest[rest.length - 1]!.state).toBe(JobState.JOB_STATE_SUCCEEDED);
  });

  it('watches 200 jobs on one stream until each is terminal, then ends by itself', async () => {
    await startConsumers();
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        system.client.submit(submitRequest({ type: 'echo' }, { i })),
      ),
    );
    const snapshots = await system.client.watchAll(acks.map((a) => a.jobId));
    const last = lastSnapshots(snapshots);
    expect(last.size).toBe(200);
    for (const job of last.values()) expect(TERMINAL.has(job.state)).toBe(true);
    for (const { jobId } of acks) await expectEveryTransition(jobId, snapshots);
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
