import { status } from '@grpc/grpc-js';
import { destroyAwsClients, type AwsClients } from '../../core/aws/aws-clients.js';
import { deterministicJobId } from '../../core/jobs/job-ids.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { submitRequest } from '../support/grpc-test-client.js';
import { OPEN_TENANT, readRecords } from '../support/job-records.js';
import { drainQueue } from '../support/queue-drain.js';
import { randomInt, seededRandom } from '../support/seeded-random.js';
import { startTestSystem, type TestSystem } from '../support/test-runtime.js';
import {
  codeCounts,
  submitOnce,
  submitStream,
  type SubmitOutcome,
} from './support/call-outcomes.js';
import { defaultQueueUrl } from './support/default-queue.js';
import { connectDirect } from './support/direct-aws.js';
import { reportFaultCounts } from './support/fault-report.js';
import { auditQueue } from './support/job-checks.js';
import {
  AWS_ERRORS,
  FORWARD_ALL,
  type AwsCall,
  type AwsFaultDecision,
  type AwsFaultPlan,
} from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy, type AwsProxy } from '../../local/aws-proxy/aws-proxy.js';

const SEED = 20_240_601;
/** The front gives up on SQS after 3 s and holds at most 64 unsent jobs: outages show quickly. */
const FRONT_ENV = { SLUICE_PRODUCER_GIVE_UP_MS: '3000', SLUICE_PRODUCER_MAX_PENDING: '64' };
const UNARY_PER_PHASE = 240;
/** Unary calls in flight at once: more than the front's pending limit, so it must push back. */
const UNARY_CONCURRENCY = 120;
const STREAM_ITEMS_PER_PHASE = 400;
/** New submits once the faults are over: every one must succeed. */
const RECOVERY_SUBMITS = 100;
/** Retries run fewer at once than the front holds, as a client backing off would. */
const RETRY_CONCURRENCY = 32;
const MAX_RETRY_ROUNDS = 3;
/** Every call must have its status well within this (a front that never answers fails it). */
const CALL_DEADLINE_MS = 25_000;
const STREAM_DEADLINE_MS = 120_000;
const TEST_TIMEOUT_MS = 300_000;
/** The statuses a front may answer when its dependencies misbehave. */
const DEPENDENCY_CODES = new Set([status.OK, status.UNAVAILABLE, status.RESOURCE_EXHAUSTED]);
/** The front's own calls on the submit path: the ones faults are injected into. */
const SUBMIT_PATH_ACTIONS = new Set(['SendMessageBatch', 'GetItem', 'PutItem']);

let emulators: EmbeddedEmulators;
let proxy: AwsProxy;
let system: TestSystem;
/** Clients straight to the emulators: the checks never go through the faults. */
let direct: AwsClients;
let directTable: JobsTable;

beforeAll(async () => {
  emulators = await startEmbeddedEmulators();
  proxy = await startAwsProxy({ sqs: emulators.sqsEndpoint, dynamodb: emulators.dynamoEndpoint });
  system = await startTestSystem({
    awsEndpoint: proxy.endpoint,
    consumers: false,
    frontEnv: FRONT_ENV,
  });
  ({ clients: direct, table: directTable } = connectDirect(emulators, system.runtime));
});

afterAll(async () => {
  await system.stop();
  await proxy.close();
  destroyAwsClients(direct);
  await emulators.stop();
});

/** One stretch of misbehaviour: what the proxy does to the front's submit-path calls. */
interface FaultPhase {
  name: string;
  /** Decides for one submit-path call, given the phase's PRNG and a promise settled when it ends. */
  decide(call: AwsCall, random: () => number, ended: Promise<void>): AwsFaultDecision;
  /** Whether some submits must still succeed (partial faults) or none may (an outage). */
  expectAcks: 'some' | 'none';
}

const forward: AwsFaultDecision = { kind: 'forward' };
const isSqs = (call: AwsCall): boolean => call.service === 'sqs';

const PHASES: FaultPhase[] = [
  {
    name: 'SQS throttling',
    decide: (call, random) =>
      isSqs(call) && random() < 0.4 ? { kind: 'fail', ...AWS_ERRORS.sqs.throttling } : forward,
    expectAcks: 'some',
  },
  {
    name: 'DynamoDB throttling',
    decide: (call, random) =>
      !isSqs(call) && random() < 0.25
        ? { kind: 'fail', ...AWS_ERRORS.dynamodb.throttling }
        : forward,
    expectAcks: 'some',
  },
  {
    name: 'server errors',
    decide: (call, random) => {
      if (random() >= 0.25) return forward;
      const errors = AWS_ERRORS[call.service];
      return { kind: 'fail', ...(random() < 0.5 ? errors.serverError : errors.unavailable) };
    },
    expectAcks: 'some',
  },
  {
    name: 'latency',
    decide: (_call, random) =>
      random() < 0.4 ? { kind: 'forward', delayMs: randomInt(random, 100, 600) } : forward,
    expectAcks: 'some',
  },
  {
    name: 'dropped connections',
    decide: (_call, random) =>
      random() < 0.15 ? { kind: 'drop', when: random() < 0.5 ? 'before' : 'after' } : forward,
    expectAcks: 'some',
  },
  {
    name: 'stalled calls',
    // A black hole: the call is answered only after the phase, long after any sane timeout.
    decide: (_call, random, ended) =>
      random() < 0.05 ? { kind: 'forward', until: ended } : forward,
    expectAcks: 'some',
  },
  {
    name: 'SQS outage',
    decide: (call) => (isSqs(call) ? { kind: 'fail', ...AWS_ERRORS.sqs.unavailable } : forward),
    expectAcks: 'none',
  },
  {
    name: 'DynamoDB outage',
    decide: (call) =>
      isSqs(call) ? forward : { kind: 'fail', ...AWS_ERRORS.dynamodb.serverError },
    expectAcks: 'none',
  },
];

function requestFor(key: string) {
  return submitRequest({ type: 'echo', idempotencyKey: key }, { key });
}

/** Runs a unary submit per key, `concurrency` at a time. */
async function unaryLoad(
  keys: readonly string[],
  concurrency = UNARY_CONCURRENCY,
): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      outcomes.push(await submitOnce(system.client.raw, requestFor(key), CALL_DEADLINE_MS));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

/** The plan of a phase: its faults on the submit path only (the front's set-up calls pass). */
function planOf(phase: FaultPhase, random: () => number, ended: Promise<void>): AwsFaultPlan {
  return (call) =>
    SUBMIT_PATH_ACTIONS.has(call.action) ? phase.decide(call, random, ended) : forward;
}

describe('a front whose SQS and DynamoDB misbehave', () => {
  it(
    'retries safely, answers UNAVAILABLE or RESOURCE_EXHAUSTED when it must, never acks what SQS did not accept, and recovers',
    async () => {
      const random = seededRandom(SEED);
      const acked = new Map<string, string>();
      const unanswered: string[] = [];
      const report: Record<string, unknown> = {};
      const faultsAt = (): number => [...proxy.faults.values()].reduce((a, b) => a + b, 0);

      for (const phase of PHASES) {
        let endPhase = (): void => undefined;
        const ended = new Promise<void>((resolve) => {
          endPhase = resolve;
        });
        const faultsBefore = faultsAt();
        proxy.setPlan(planOf(phase, random, ended));
        const slug = phase.name.replaceAll(' ', '-');
        const [unary, stream] = await Promise.all([
          unaryLoad(Array.from({ length: UNARY_PER_PHASE }, (_, i) => `${slug}-u${i}`)),
          submitStream(
            system.client.raw,
            Array.from({ length: STREAM_ITEMS_PER_PHASE }, (_, i) => requestFor(`${slug}-s${i}`)),
            STREAM_DEADLINE_MS,
          ),
        ]);
        proxy.setPlan(FORWARD_ALL);
        endPhase();

        const outcomes = [...unary, ...stream.items];
        const counts = codeCounts(outcomes);
        report[phase.name] = {
          faults: faultsAt() - faultsBefore,
          ...counts,
          slowestMs: Math.round(Math.max(...outcomes.map((o) => o.durationMs))),
        };
        reportFaultCounts('aws-faults', { phase: phase.name, ...(report[phase.name] as object) });
        // Every call got a status the client can act on, and none hung.
        expect({ phase: phase.name, stream: status[stream.streamCode] }).toEqual({
          phase: phase.name,
          stream: 'OK',
        });
        expect(outcomes).toHaveLength(UNARY_PER_PHASE + STREAM_ITEMS_PER_PHASE);
        const unexpected = outcomes.filter((o) => !DEPENDENCY_CODES.has(o.code));
        expect({ phase: phase.name, unexpected: codeCounts(unexpected) }).toEqual({
          phase: phase.name,
          unexpected: {},
        });
        expect(faultsAt()).toBeGreaterThan(faultsBefore);
        if (phase.expectAcks === 'some') expect(counts.OK ?? 0).toBeGreaterThan(0);
        else
          expect({ phase: phase.name, acked: counts.OK ?? 0 }).toEqual({
            phase: phase.name,
            acked: 0,
          });
        if (phase.name === 'SQS outage') expect(counts.RESOURCE_EXHAUSTED ?? 0).toBeGreaterThan(0);
        for (const outcome of outcomes) {
          if (outcome.jobId !== undefined) acked.set(outcome.key, outcome.jobId);
          else unanswered.push(outcome.key);
        }
      }

      // The faults are over: new submits succeed, and every submit that failed succeeds when a
      // client retries it as told (fewer at once than the front holds), with its job id.
      const fresh = await unaryLoad(
        Array.from({ length: RECOVERY_SUBMITS }, (_, i) => `recovered-${i}`),
        RETRY_CONCURRENCY,
      );
      expect(codeCounts(fresh)).toEqual({ OK: RECOVERY_SUBMITS });
      let left = unanswered;
      let retryRounds = 0;
      while (left.length > 0 && retryRounds < MAX_RETRY_ROUNDS) {
        retryRounds += 1;
        const retried = await unaryLoad(left, RETRY_CONCURRENCY);
        for (const outcome of retried) {
          if (outcome.jobId !== undefined) acked.set(outcome.key, outcome.jobId);
        }
        left = retried.filter((outcome) => outcome.jobId === undefined).map((o) => o.key);
      }
      expect(left).toEqual([]);
      for (const outcome of fresh) acked.set(outcome.key, outcome.jobId as string);
      for (const [key, jobId] of acked) {
        expect(jobId).toBe(deterministicJobId(OPEN_TENANT, 'default', key));
      }

      // Never acked what SQS did not accept: every acked job has exactly one message and a record.
      const jobIds = [...acked.values()];
      const drained = await drainQueue(direct.sqs, defaultQueueUrl(system.runtime));
      const audit = auditQueue(jobIds, drained);
      expect(audit).toEqual({ missing: [], doubled: [], unacknowledged: 0 });
      const records = await readRecords(directTable, jobIds);
      expect(jobIds.filter((id) => !records.has(id))).toEqual([]);

      reportFaultCounts('aws-faults', {
        faultsInjected: Object.fromEntries(proxy.faults),
        jobsChecked: jobIds.length,
        retriedAfterFaults: unanswered.length,
        retryRounds,
        lost: audit.missing.length,
        doubled: audit.doubled.length,
        phases: report,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
