import { status } from '@grpc/grpc-js';
import { submitRequest } from '../support/grpc-test-client.js';
import { readRecords } from '../support/job-records.js';
import { drainQueue } from '../support/queue-drain.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import { waitUntil } from '../support/wait-until.js';
import {
  codeCounts,
  submitOnce,
  submitStream,
  watchUntilEnd,
  type SubmitOutcome,
} from './support/call-outcomes.js';
import { defaultQueueUrl } from './support/default-queue.js';
import { reportFaultCounts } from './support/fault-report.js';
import { auditQueue } from './support/job-checks.js';

/**
 * ECS kills a task this long after SIGTERM: the front must be gone before.
 * The test kills it then too, so an exit code of 0 means it left in time.
 */
const ECS_STOP_TIMEOUT_MS = 30_000;
const UNARY_WORKERS = 24;
const STREAMS = 3;
const ITEMS_PER_STREAM = 4_000;
const WATCHERS = 6;
const WATCHED_JOBS = 40;
/** Acks before the SIGTERM: the load is in full flow. */
const ACKS_BEFORE_SIGTERM = 600;
/** Any call still without a status after this has hung. */
const CALL_DEADLINE_MS = 45_000;
const TEST_TIMEOUT_MS = 180_000;
/** A call cut by shutdown may end UNAVAILABLE, or CANCELLED once the grace ran out. */
const SHUTDOWN_CODES = new Set([status.OK, status.UNAVAILABLE, status.CANCELLED]);

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({ consumers: false });
});

afterAll(() => system.stop());

describe('a front sent SIGTERM under load', () => {
  it(
    'gives every call a status, ends watches UNAVAILABLE, exits well within 30 s and loses no acked job',
    async () => {
      const raw = system.client.raw;
      // Watched jobs stay QUEUED (no consumers), so their watches are open when SIGTERM comes.
      const watched = await Promise.all(
        Array.from({ length: WATCHED_JOBS }, (_, i) =>
          system.client.submit(submitRequest({ type: 'echo', idempotencyKey: `watched-${i}` })),
        ),
      );
      let firstSnapshots = 0;
      const watches = Array.from({ length: WATCHERS }, () =>
        watchUntilEnd(
          raw,
          watched.map((ack) => ack.jobId),
          () => (firstSnapshots += 1),
        ),
      );

      let acks = 0;
      let submitting = true;
      const unary: SubmitOutcome[] = [];
      const workers = Array.from({ length: UNARY_WORKERS }, async (_, worker) => {
        for (let n = 0; submitting; n++) {
          const request = submitRequest({ type: 'echo', idempotencyKey: `term-u${worker}-${n}` });
          const outcome = await submitOnce(raw, request, CALL_DEADLINE_MS);
          unary.push(outcome);
          if (outcome.code === status.OK) acks += 1;
        }
      });
      const streams = Array.from({ length: STREAMS }, (_, k) =>
        submitStream(
          raw,
          Array.from({ length: ITEMS_PER_STREAM }, (_, i) =>
            submitRequest({ type: 'echo', idempotencyKey: `term-s${k}-${i}` }),
          ),
          CALL_DEADLINE_MS,
        ),
      );
      await waitUntil(
        () => Promise.resolve(acks >= ACKS_BEFORE_SIGTERM && firstSnapshots >= WATCHERS),
        { timeoutMs: 60_000, what: 'the load to flow' },
      );

      const sigtermAt = performance.now();
      const exitCode = await system.runtime.stopFront(ECS_STOP_TIMEOUT_MS);
      const exitMs = performance.now() - sigtermAt;
      submitting = false;
      await Promise.all(workers);
      const streamResults = await Promise.all(streams);
      const watchResults = await Promise.all(watches);

      // The process drained and exited on its own before ECS would have killed it.
      expect(exitCode).toBe(0);
      // Every call got a status (none hit its deadline), and the watches ended UNAVAILABLE.
      const streamItems = streamResults.flatMap((result) => result.items);
      const allSubmits = [...unary, ...streamItems];
      expect(allSubmits.filter((outcome) => !SHUTDOWN_CODES.has(outcome.code))).toEqual([]);
      for (const result of streamResults) expect(SHUTDOWN_CODES.has(result.streamCode)).toBe(true);
      expect(watchResults.map((result) => status[result.code])).toEqual(
        Array.from({ length: WATCHERS }, () => 'UNAVAILABLE'),
      );
      expect(watchResults.every((result) => result.snapshots >= WATCHED_JOBS)).toBe(true);

      // Nothing acked is lost: each acked job has its record and exactly one message.
      const acked = allSubmits.flatMap((outcome) => outcome.jobId ?? []);
      const watchedIds = watched.map((ack) => ack.jobId);
      const records = await readRecords(system.runtime.table, acked);
      expect(acked.filter((id) => !records.has(id))).toEqual([]);
      const drained = await drainQueue(system.runtime.clients.sqs, defaultQueueUrl(system.runtime));
      const audit = auditQueue([...acked, ...watchedIds], drained);
      expect({ missing: audit.missing, doubled: audit.doubled }).toEqual({
        missing: [],
        doubled: [],
      });

      reportFaultCounts('front-sigterm', {
        exitMs: Math.round(exitMs),
        ecsStopTimeoutMs: ECS_STOP_TIMEOUT_MS,
        unary: codeCounts(unary),
        streamItems: codeCounts(streamItems),
        streams: streamResults.map((result) => status[result.streamCode]),
        watches: watchResults.map((result) => status[result.code]),
        jobsChecked: acked.length,
        enqueuedWithoutAck: audit.unacknowledged,
        lost: audit.missing.length,
        doubled: audit.doubled.length,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
