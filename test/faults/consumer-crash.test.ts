import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json, SluiceClient } from '../../client/index.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { startManagedProcess, type ManagedProcess } from '../../local/process/managed-process.js';
import { readRecords } from '../support/job-records.js';
import { queueDepth } from '../support/queue-depth.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';
import { reportFaultCounts } from './support/fault-report.js';
import { defaultQueueUrl } from './support/default-queue.js';
import { groupByJob, groupOrderViolations, terminalTransitions } from './support/job-checks.js';
import { readRunLog, type LoggedSpan } from './support/run-log.js';

const CONSUMER_ENTRYPOINT = fileURLToPath(
  new URL('./support/consumer-process-main.ts', import.meta.url),
);
/**
 * Short, so a crashed consumer's messages come back within seconds, yet long
 * enough that a heartbeat (every half of it) delayed by a busy machine does
 * not let a running job's message reappear.
 */
const VISIBILITY_TIMEOUT_SECONDS = 5;
const MS_PER_SECOND = 1_000;
/** Timer slack allowed when checking a redelivery came no earlier than it may. */
const TIMER_SLACK_MS = 250;
const GROUPS = 4;
const JOBS_PER_GROUP = 15;
const UNGROUPED_JOBS = 60;
/** Each job sleeps this long: long enough that a kill lands mid-run. */
const JOB_MS = 150;
/** A crashed consumer dies after this many more processor runs started. */
const KILL_AFTER_STARTS = [25, 25];
const TEST_TIMEOUT_MS = 180_000;

let system: TestSystem;
let workDir: string;
let runLog: string;
const consumers: ManagedProcess[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sluice-consumer-crash-'));
  runLog = join(workDir, 'runs.jsonl');
  system = await startTestSystem({
    consumers: false,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
  });
});

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await system.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function startConsumerProcess(name: string): Promise<ManagedProcess> {
  const { runtime } = system;
  return startManagedProcess({
    name,
    nodeArgs: ['--import', 'tsx', CONSUMER_ENTRYPOINT],
    env: {
      ...process.env,
      AWS_REGION: runtime.aws.region,
      AWS_ENDPOINT_URL_SQS: runtime.aws.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: runtime.aws.dynamoEndpoint,
      SLUICE_TABLE_NAME: runtime.resources.tableName,
      SLUICE_QUEUE_PREFIX: runtime.resources.queuePrefix,
      SLUICE_LOG_LEVEL: 'silent',
      SLUICE_FAULTS_RUN_LOG: runLog,
      SLUICE_FAULTS_PROCESS_NAME: name,
    },
  });
}

interface Submitted {
  jobIds: string[];
  /** Each group's job ids in submit order. */
  groups: Map<string, string[]>;
}

async function submitJobs(): Promise<Submitted> {
  const items = [
    ...Array.from({ length: GROUPS * JOBS_PER_GROUP }, (_, i) => `crash-g${i % GROUPS}`),
    ...Array.from({ length: UNGROUPED_JOBS }, () => ''),
  ].map((group, i) => {
    const attributes: Record<string, string> = group === '' ? {} : { group };
    const job = {
      type: 'sleep',
      payload: json({ ms: JOB_MS }),
      idempotencyKey: `crash-${i}`,
      groupKey: group,
      attributes,
    };
    return { ref: String(i), group, job };
  });
  const client = new SluiceClient({ endpoint: system.runtime.endpoint });
  const acked = new Map<string, string>();
  try {
    for await (const result of client.submitMany(items)) {
      if (result.error !== undefined) throw result.error;
      acked.set(result.ref, result.jobId);
    }
  } finally {
    client.close();
  }
  const groups = new Map<string, string[]>();
  for (const item of items) {
    if (item.group === '') continue;
    groups.set(item.group, [...(groups.get(item.group) ?? []), acked.get(item.ref) as string]);
  }
  return { jobIds: items.map((item) => acked.get(item.ref) as string), groups };
}

/** Waits until `consumer` started `count` runs and one is in progress, then SIGKILLs it. */
async function killMidBatch(consumer: ManagedProcess, count: number) {
  await waitUntil(
    () => {
      const spans = readRunLog(runLog).filter((span) => span.process === consumer.name);
      return Promise.resolve(
        spans.length >= count && spans.some((span) => span.finishedAt === undefined),
      );
    },
    { timeoutMs: 60_000, intervalMs: 20, what: `${consumer.name} to be mid-batch` },
  );
  await consumer.kill();
  const killedAt = Date.now();
  const interrupted = readRunLog(runLog).filter(
    (span) => span.process === consumer.name && span.finishedAt === undefined,
  );
  return { killedAt, interrupted };
}

/** Pairs of runs of one job that overlapped in time. */
function overlappingRuns(spans: readonly LoggedSpan[], killedAt: Map<string, number>): string[] {
  const overlaps: string[] = [];
  for (const [jobId, runs] of groupByJob(spans)) {
    const sorted = runs.toSorted((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1] as LoggedSpan;
      const ended = previous.finishedAt ?? killedAt.get(previous.process) ?? Infinity;
      if ((sorted[i] as LoggedSpan).startedAt < ended) overlaps.push(jobId);
    }
  }
  return overlaps;
}

describe('a consumer process SIGKILLed mid-batch', () => {
  it(
    're-runs the interrupted jobs after the visibility timeout, records each outcome once and keeps group order',
    async () => {
      const { jobIds, groups } = await submitJobs();
      const killedAt = new Map<string, number>();
      const interrupted: LoggedSpan[] = [];
      for (const [index, count] of KILL_AFTER_STARTS.entries()) {
        const consumer = await startConsumerProcess(`consumer-${index + 1}`);
        const crash = await killMidBatch(consumer, count);
        killedAt.set(consumer.name, crash.killedAt);
        interrupted.push(...crash.interrupted);
      }
      const survivor = await startConsumerProcess('consumer-last');
      consumers.push(survivor);

      let records = new Map<string, JobRecord>();
      await waitUntil(
        async () => {
          records = await readRecords(system.runtime.table, jobIds);
          return jobIds.every((id) => records.get(id)?.state === 'SUCCEEDED');
        },
        { timeoutMs: TEST_TIMEOUT_MS / 2, intervalMs: 250, what: 'every job to succeed' },
      );
      const spans = readRunLog(runLog);

      // Every interrupted job ran again, no earlier than its message could reappear.
      expect(interrupted.length).toBeGreaterThan(0);
      const redeliveryDelaysMs = interrupted.map((span) => {
        const next = spans.find((s) => s.jobId === span.jobId && s.startedAt > span.startedAt);
        return (next?.startedAt ?? Infinity) - (killedAt.get(span.process) as number);
      });
      const earliestRedeliveryMs = (VISIBILITY_TIMEOUT_SECONDS * MS_PER_SECOND) / 2;
      for (const delayMs of redeliveryDelaysMs) {
        expect(delayMs).toBeGreaterThanOrEqual(earliestRedeliveryMs - TIMER_SLACK_MS);
        expect(delayMs).toBeLessThan(Infinity);
      }

      // Outcomes recorded once; re-runs only after a crash; never two runs of a job at once.
      const doubled = jobIds.filter((id) => terminalTransitions(records.get(id)) !== 1);
      expect(doubled).toEqual([]);
      const rerunJobs = new Set(
        [...groupByJob(spans)].filter(([, runs]) => runs.length > 1).map(([id]) => id),
      );
      const crashedJobs = new Set(
        spans.filter((s) => s.process !== survivor.name).map((s) => s.jobId),
      );
      expect([...rerunJobs].filter((id) => !crashedJobs.has(id))).toEqual([]);
      expect(overlappingRuns(spans, killedAt)).toEqual([]);
      // Each run claimed the job (QUEUED or a crashed RUNNING → RUNNING) before it started.
      const runsOf = groupByJob(spans);
      const unclaimedRuns = jobIds.filter(
        (id) => (records.get(id)?.attempts ?? 0) < (runsOf.get(id)?.length ?? 0),
      );
      expect(unclaimedRuns).toEqual([]);
      expect(jobIds.filter((id) => !spans.some((s) => s.jobId === id))).toEqual([]);

      // Each group started in submit order, a job only after the one before it finished.
      expect(groupOrderViolations(groups, spans)).toEqual([]);
      expect(await queueDepth(system.runtime.clients.sqs, defaultQueueUrl(system.runtime))).toBe(0);
      reportFaultCounts('consumer-crash', {
        crashes: killedAt.size,
        interruptedRuns: interrupted.length,
        rerunJobs: rerunJobs.size,
        jobsChecked: jobIds.length,
        redeliveryDelayMs: {
          min: Math.min(...redeliveryDelaysMs),
          max: Math.max(...redeliveryDelaysMs),
        },
        lost: 0,
        doubled: doubled.length,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
