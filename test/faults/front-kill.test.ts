import { setTimeout as sleep } from 'node:timers/promises';
import { json, SluiceClient, type BulkSubmitItem } from '../../client/index.js';
import { deterministicJobId } from '../../core/jobs/job-ids.js';
import {
  recordingProcessors,
  type ProcessorRun,
  type RecordingProcessors,
} from '../../functions/testing/recording-processors.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { OPEN_TENANT, readRecords } from '../support/job-records.js';
import { startLocalConsumers } from '../support/local-consumers.js';
import { drainQueue } from '../support/queue-drain.js';
import { randomInt, seededRandom } from '../support/seeded-random.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';
import { defaultQueueUrl } from './support/default-queue.js';
import { reportFaultCounts } from './support/fault-report.js';
import {
  auditQueue,
  groupOrderViolations,
  queueOrderViolations,
  terminalTransitions,
} from './support/job-checks.js';

/** One stream per seed; each seed fixes where the front is killed. */
const SEEDS = [1, 7, 42, 99, 123, 256, 1_001, 4_242, 31_337, 65_521];
/** Items per stream (SLUICE_FAULTS_STREAM_JOBS shrinks it while developing). */
const JOBS_PER_STREAM = Number(process.env.SLUICE_FAULTS_STREAM_JOBS ?? 10_000);
/** Streams run (SLUICE_FAULTS_RUNS shrinks it while developing). */
const RUNS = Math.min(Number(process.env.SLUICE_FAULTS_RUNS ?? SEEDS.length), SEEDS.length);
/**
 * Streams whose jobs the consumers run to the end (the first ones; each costs
 * two to three times a queued stream on two cores); the others are checked in
 * the queue — every job QUEUED with exactly one message, each group queued in
 * order — which is contract line 4's other ending.
 */
const PROCESSED_RUNS = Number(process.env.SLUICE_FAULTS_PROCESSED_RUNS ?? 2);
/** Every GROUP_EVERY-th item belongs to one of GROUPS groups; the rest run in parallel. */
const GROUP_EVERY = 5;
const GROUPS = 4;
/** Each kill comes this long after the stream (or the previous restart) began. */
const KILL_DELAY_MS = { min: 200, max: 5_000 };
/** Kills per stream at most: each restart costs the front's start-up time. */
const MAX_KILLS_PER_STREAM = 3;
/** The client reconnects on this scale, and may fail this often in a row while the front restarts. */
const CLIENT_RETRY = { maxAttempts: 40, initialBackoffMs: 50, maxBackoffMs: 1_000 };
const CONNECT_TIMEOUT_MS = 2_000;
/** How long the consumers may take to finish a stream's jobs after it ended. */
const PROCESSING_TIMEOUT_MS = 240_000;
const STREAM_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = STREAM_TIMEOUT_MS + PROCESSING_TIMEOUT_MS;

let system: TestSystem;
/** What the front logged at warn level and above, in every life. */
const frontWarnings: string[] = [];
let recording: RecordingProcessors;
/** Every processor run so far, by job id. */
const runsByJob = new Map<string, ProcessorRun[]>();
let indexedRuns = 0;
const totals = { streams: 0, kills: 0, jobsChecked: 0, jobsProcessed: 0, lost: 0, doubled: 0 };

beforeAll(async () => {
  recording = recordingProcessors();
  system = await startTestSystem({
    consumers: false,
    // The front's warnings (a dependency call that failed, with its cause) explain a rejected item.
    frontEnv: { SLUICE_LOG_LEVEL: 'warn' },
    onOutput: (line) => frontWarnings.push(line),
  });
});

afterAll(async () => {
  reportFaultCounts('front-kill', { ...totals, jobsPerStream: JOBS_PER_STREAM });
  await system.stop();
});

/** Indexes the runs recorded since the last call. */
function indexRuns(): void {
  for (; indexedRuns < recording.runs.length; indexedRuns++) {
    const run = recording.runs[indexedRuns] as ProcessorRun;
    const list = runsByJob.get(run.jobId) ?? [];
    list.push(run);
    runsByJob.set(run.jobId, list);
  }
}

interface StreamItem {
  ref: string;
  key: string;
  group: string;
}

/** The idempotency keys of one stream start with this. */
function keyPrefix(seed: number): string {
  return `kill-${seed}-`;
}

function streamItems(seed: number): StreamItem[] {
  return Array.from({ length: JOBS_PER_STREAM }, (_, i) => ({
    ref: `${seed}-${i}`,
    key: `${keyPrefix(seed)}${i}`,
    group: i % GROUP_EVERY === 0 ? `kill-${seed}-g${(i / GROUP_EVERY) % GROUPS}` : '',
  }));
}

function* bulkItems(items: readonly StreamItem[]): Generator<BulkSubmitItem> {
  for (const [i, item] of items.entries()) {
    yield {
      ref: item.ref,
      job: {
        type: 'echo',
        payload: json({ i }),
        idempotencyKey: item.key,
        groupKey: item.group,
        attributes: item.group === '' ? {} : { group: item.group },
      },
    };
  }
}

/** Kills the front at seeded random points while `streaming()` holds; resolves with the kill count. */
async function killWhileStreaming(seed: number, streaming: () => boolean): Promise<number> {
  const random = seededRandom(seed);
  let kills = 0;
  while (kills < MAX_KILLS_PER_STREAM) {
    await sleep(randomInt(random, KILL_DELAY_MS.min, KILL_DELAY_MS.max));
    if (!streaming()) break;
    await system.runtime.killFront();
    kills += 1;
    await system.runtime.startFront();
  }
  return kills;
}

/** Streams every item through a front that keeps being killed; resolves with the acks by ref. */
async function streamThroughKills(
  seed: number,
  items: readonly StreamItem[],
): Promise<{ acked: Map<string, string>; rejected: string[]; kills: number }> {
  const client = new SluiceClient({
    endpoint: system.runtime.endpoint,
    retry: CLIENT_RETRY,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  });
  const acked = new Map<string, string>();
  const rejected: string[] = [];
  let streaming = true;
  const killer = killWhileStreaming(seed, () => streaming);
  try {
    for await (const result of client.submitMany(bulkItems(items), {
      signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
    })) {
      if (result.error !== undefined) rejected.push(`${result.ref}: ${result.error.message}`);
      else if (acked.has(result.ref)) rejected.push(`${result.ref}: answered twice`);
      else acked.set(result.ref, result.jobId);
    }
  } finally {
    streaming = false;
    client.close();
  }
  return { acked, rejected, kills: await killer };
}

/** The acked job ids of each group, in submit order. */
function groupsInSubmitOrder(
  items: readonly StreamItem[],
  acked: ReadonlyMap<string, string>,
): Map<string, string[]> {
  const order = new Map<string, string[]>();
  for (const item of items) {
    const jobId = acked.get(item.ref);
    if (item.group === '' || jobId === undefined) continue;
    const list = order.get(item.group) ?? [];
    list.push(jobId);
    order.set(item.group, list);
  }
  return order;
}

/** Consumers ran every job: each ran once, its outcome recorded once, groups in order. */
async function checkProcessed(
  seed: number,
  jobIds: readonly string[],
  order: Map<string, string[]>,
) {
  await waitUntil(
    () => {
      indexRuns();
      return Promise.resolve(
        jobIds.every((id) => runsByJob.get(id)?.some((run) => run.outcome === 'returned')),
      );
    },
    { timeoutMs: PROCESSING_TIMEOUT_MS, intervalMs: 500, what: `seed ${seed}'s jobs to run` },
  );
  let records = new Map<string, JobRecord>();
  await waitUntil(
    async () => {
      records = await readRecords(system.runtime.table, jobIds);
      return jobIds.every((id) => records.get(id)?.state === 'SUCCEEDED');
    },
    { timeoutMs: PROCESSING_TIMEOUT_MS, intervalMs: 1_000, what: `seed ${seed}'s outcomes` },
  );
  indexRuns();
  const doubled = jobIds.filter((id) => {
    const record = records.get(id);
    return (
      runsByJob.get(id)?.length !== 1 || record === undefined || terminalTransitions(record) !== 1
    );
  });
  totals.doubled += doubled.length;
  expect(doubled).toEqual([]);
  const groupRuns = [...order.values()].flat().flatMap((id) => runsByJob.get(id) ?? []);
  expect(groupOrderViolations(order, groupRuns)).toEqual([]);
}

/** No consumers ran: every job is QUEUED with exactly one message, each group queued in order. */
async function checkQueued(seed: number, jobIds: readonly string[], order: Map<string, string[]>) {
  // Only this stream's messages count (a failed earlier stream may have left some behind).
  const drained = (
    await drainQueue(system.runtime.clients.sqs, defaultQueueUrl(system.runtime))
  ).filter((message) => message.envelope.idempotencyKey.startsWith(keyPrefix(seed)));
  const audit = auditQueue(jobIds, drained);
  totals.lost += audit.missing.length;
  totals.doubled += audit.doubled.length;
  expect(audit).toEqual({ missing: [], doubled: [], unacknowledged: 0 });
  expect(queueOrderViolations(order, drained)).toEqual([]);
}

describe('a front SIGKILLed while a client streams jobs', () => {
  it.each(SEEDS.slice(0, RUNS).map((seed, index) => [seed, index < PROCESSED_RUNS] as const))(
    'loses no acknowledged job and keeps group order (seed %i, consumers on: %s)',
    async (seed, processed) => {
      const consumers = processed
        ? await startLocalConsumers({
            sqs: system.runtime.clients.sqs,
            table: system.runtime.table,
            region: system.runtime.aws.region,
            queues: system.runtime.queues,
            processors: recording.registry,
          })
        : undefined;
      try {
        const items = streamItems(seed);
        const streamStarted = performance.now();
        const { acked, rejected, kills } = await streamThroughKills(seed, items);
        const streamMs = Math.round(performance.now() - streamStarted);
        totals.streams += 1;
        totals.kills += kills;

        // The client resubmitted whatever was unanswered: every item is acked, each with its own job.
        expect({ rejected, frontWarnings: rejected.length > 0 ? frontWarnings : [] }).toEqual({
          rejected: [],
          frontWarnings: [],
        });
        expect(acked.size).toBe(items.length);
        expect(kills).toBeGreaterThan(0);
        for (const item of items) {
          expect(acked.get(item.ref)).toBe(deterministicJobId(OPEN_TENANT, 'default', item.key));
        }
        const jobIds = [...acked.values()];
        expect(new Set(jobIds).size).toBe(jobIds.length);

        // Durable: every acked job has its record the moment the stream ends.
        const atAck = await readRecords(system.runtime.table, jobIds);
        const lost = jobIds.filter((id) => !atAck.has(id));
        totals.lost += lost.length;
        expect(lost).toEqual([]);

        // Every acked job ends: run to its outcome, or QUEUED with its message waiting.
        const order = groupsInSubmitOrder(items, acked);
        if (processed) await checkProcessed(seed, jobIds, order);
        else await checkQueued(seed, jobIds, order);
        totals.jobsChecked += jobIds.length;
        if (processed) totals.jobsProcessed += jobIds.length;
        reportFaultCounts('front-kill', {
          seed,
          processed,
          kills,
          jobs: jobIds.length,
          streamMs,
          checkMs: Math.round(performance.now() - streamStarted) - streamMs,
        });
      } finally {
        await consumers?.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
