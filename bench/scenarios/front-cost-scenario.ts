import type { ManagedProcess } from '../../local/process/managed-process.js';
import { LoadSession } from '../framework/load-session.js';
import { runMeasured, type MeasuredRun } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type {
  BulkSubmitLoadTask,
  BulkSubmitResult,
  LoadTask,
  ThroughputResult,
  UnaryLoadTask,
} from '../load/load-task.js';
import { INSTANT_COUNTS_PATH, type InstantCallCounts } from '../servers/instant-aws-backend.js';
import { startBenchProcess } from '../system/bench-process.js';
import { startBundledFront, type BundledFront } from '../system/bundled-front.js';
import { cpuMsPerJob, requireUsage } from './scenario-support.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/** Target: unary SubmitJob ≥ half the raw grpc-js echo ceiling, with AWS out of the way. */
const FRONT_TO_ECHO_TARGET = 0.5;
/** Target: the front's CPU per accepted unary job (what sizes the Fargate fleet). */
const CPU_MS_PER_JOB_TARGET = 1;
/** Names the instant backend is started under (any names do: it stores nothing). */
const INSTANT_RESOURCES = { tableName: 'sluice-jobs', queuePrefix: 'sluice' } as const;

/** The kinds of front run each repetition makes. */
type FrontRunKind = 'unary' | 'unaryKeyed' | 'bulk' | 'bulkKeyed';

const KIND_LABELS: Record<FrontRunKind, string> = {
  unary: 'unary',
  unaryKeyed: 'unary, keyed',
  bulk: 'bulk',
  bulkKeyed: 'bulk, keyed',
};

/** One measured run: its rate and the CPU per unit of the process measured. */
interface CostRun {
  rate: number;
  cpuMsPerUnit: number;
  p50Ms: number;
  run: MeasuredRun<ThroughputResult>;
}

async function instantCounts(endpoint: string): Promise<InstantCallCounts> {
  const response = await fetch(`${endpoint}${INSTANT_COUNTS_PATH}`);
  return (await response.json()) as InstantCallCounts;
}

/** Calls (and entries) per job between two readings of the instant backend's counts. */
function callsPerJob(
  before: InstantCallCounts,
  after: InstantCallCounts,
  jobs: number,
): Record<string, { callsPerJob: number; entriesPerJob: number }> {
  return Object.fromEntries(
    Object.entries(after).map(([key, count]) => {
      const start = before[key] ?? { calls: 0, entries: 0 };
      return [
        key,
        {
          callsPerJob: jobs > 0 ? (count.calls - start.calls) / jobs : 0,
          entriesPerJob: jobs > 0 ? (count.entries - start.entries) / jobs : 0,
        },
      ];
    }),
  );
}

/**
 * Scenario 2b, the front's own cost: the front as the image runs it (the
 * esbuild bundle) against the bench's instant AWS backend — a loopback
 * endpoint that answers SQS and DynamoDB calls at once — so nothing but the
 * front bounds it. Unary SubmitJob (64 in flight) is judged against the
 * raw grpc-js echo service with the same client, runs alternating; and the
 * front's CPU time per accepted job (from /proc, the front process only)
 * for unary and bulk, with and without idempotency keys. Repeated; medians
 * and spread.
 *
 * @example
 * ```ts
 * results.push(await runFrontCostScenario(state));
 * ```
 */
export async function runFrontCostScenario(
  state: SuiteState,
  options: { log: (line: string) => void; frontEnv?: NodeJS.ProcessEnv },
): Promise<ScenarioResult> {
  const settings = state.settings.frontCost;
  const report = new ScenarioReport(
    'front-cost',
    "2b. The front's own cost (bundled front, instant AWS backend)",
  );
  report.settings({
    ...settings,
    backend: 'bench/servers/instant-aws-backend.ts: answers every call at once, stores nothing',
  });
  let echo: ManagedProcess | undefined;
  let backend: ManagedProcess | undefined;
  let front: BundledFront | undefined;
  let client: LoadSession | undefined;
  try {
    [echo, backend, client] = await Promise.all([
      startBenchProcess('echo-server', 'servers/echo-server-main.ts'),
      startBenchProcess('instant-aws-backend', 'servers/instant-aws-backend-main.ts'),
      LoadSession.start(),
    ]);
    const endpoint = `http://127.0.0.1:${String(backend.ready.port)}`;
    front = await startBundledFront({
      awsEndpoint: endpoint,
      resources: INSTANT_RESOURCES,
      log: options.log,
      env: { ...options.frontEnv },
    });
    const session = client;
    const frontProcess = front.process;
    const frontAddress = front.address;
    const echoAddress = `127.0.0.1:${String(echo.ready.port)}`;
    const echoPid = echo.pid;
    let firstJob = 0;
    const taskOf = (kind: FrontRunKind | 'echo'): LoadTask => {
      if (kind === 'echo' || kind === 'unary' || kind === 'unaryKeyed') {
        const unary: UnaryLoadTask = {
          kind: 'unary',
          target: kind === 'echo' ? 'echo' : 'submit',
          address: kind === 'echo' ? echoAddress : frontAddress,
          concurrency: settings.concurrency,
          warmupMs: settings.warmupMs,
          durationMs: settings.durationMs,
          keyed: kind === 'unaryKeyed',
        };
        return unary;
      }
      const bulk: BulkSubmitLoadTask = {
        kind: 'bulk-submit',
        address: frontAddress,
        streams: settings.bulkStreams,
        jobs: settings.bulkJobs,
        warmupJobs: settings.bulkWarmupJobs,
        windowPerStream: state.settings.bulk.windowPerStream,
        returnJobIds: 0,
        firstJob,
        keyed: kind === 'bulkKeyed',
      };
      firstJob += settings.bulkJobs + settings.bulkWarmupJobs;
      return bulk;
    };
    const callsSeen: Partial<Record<FrontRunKind, unknown>> = {};
    const measure = async (kind: FrontRunKind | 'echo'): Promise<CostRun> => {
      const before = kind === 'echo' ? {} : await instantCounts(endpoint);
      const run = await runMeasured<ThroughputResult>(taskOf(kind), {
        timeoutMs: state.settings.loadTimeoutMs,
        pid: kind === 'echo' ? echoPid : frontProcess.pid,
        session,
      });
      const units = run.result.completed;
      if (kind !== 'echo') {
        callsSeen[kind] = callsPerJob(before, await instantCounts(endpoint), units);
      }
      const errors = Object.keys(run.result.errors);
      if (errors.length > 0) {
        report.note(`${kind}: errors ${JSON.stringify(run.result.errors)}`);
      }
      return {
        rate: perSecond(run.result),
        cpuMsPerUnit: cpuMsPerJob(requireUsage(run, kind), units),
        p50Ms: latencyOf(run.result.histogram).p50Ms,
        run,
      };
    };

    const runs: Record<FrontRunKind | 'echo', CostRun[]> = {
      echo: [],
      unary: [],
      unaryKeyed: [],
      bulk: [],
      bulkKeyed: [],
    };
    const kinds: FrontRunKind[] = ['unary', 'unaryKeyed', 'bulk', 'bulkKeyed'];
    for (let rep = 0; rep < settings.repetitions; rep++) {
      // Echo and the front's unary run back to back, alternating which goes first.
      const order: (FrontRunKind | 'echo')[] =
        rep % 2 === 0 ? ['echo', ...kinds] : [...[...kinds].reverse(), 'echo'];
      for (const kind of order) runs[kind].push(await measure(kind));
    }
    const rates = (kind: FrontRunKind | 'echo'): number[] => runs[kind].map((r) => r.rate);
    const cpu = (kind: FrontRunKind | 'echo'): number[] => runs[kind].map((r) => r.cpuMsPerUnit);

    report.measureRepeated('unary SubmitJob jobs/s', rates('unary'), 'jobs/s', {
      baseline: { name: 'unary echo ceiling', samples: rates('echo'), unit: 'calls/s' },
      target: {
        description: `unary SubmitJob ≥ ${FRONT_TO_ECHO_TARGET} × the grpc-js echo ceiling`,
        subject: 'ratio',
        comparison: '>=',
        threshold: FRONT_TO_ECHO_TARGET,
      },
    });
    report.measureRepeated('front CPU/job, unary', cpu('unary'), 'ms', {
      baseline: { name: 'echo server CPU/call', samples: cpu('echo'), unit: 'ms' },
      target: {
        description: `front CPU ≤ ${CPU_MS_PER_JOB_TARGET} ms per accepted unary job`,
        subject: 'value',
        comparison: '<=',
        threshold: CPU_MS_PER_JOB_TARGET,
      },
    });
    for (const kind of ['unaryKeyed', 'bulk', 'bulkKeyed'] as const) {
      report.measureRepeated(`front CPU/job, ${KIND_LABELS[kind]}`, cpu(kind), 'ms', {
        baseline: { name: 'echo server CPU/call', samples: cpu('echo'), unit: 'ms' },
      });
    }
    for (const kind of ['unaryKeyed', 'bulk', 'bulkKeyed'] as const) {
      report.measureRepeated(`${KIND_LABELS[kind]}: jobs/s`, rates(kind), 'jobs/s');
    }
    report.measureRepeated(
      'unary SubmitJob p50',
      runs.unary.map((r) => r.p50Ms),
      'ms',
      {
        baseline: { name: 'echo p50', samples: runs.echo.map((r) => r.p50Ms), unit: 'ms' },
      },
    );
    report.detail(
      'runs',
      Object.fromEntries(
        Object.entries(runs).map(([kind, list]) => [
          kind,
          list.map((r) => ({
            rate: r.rate,
            cpuMsPerUnit: r.cpuMsPerUnit,
            latency: latencyOf(r.run.result.histogram),
            errors: r.run.result.errors,
            process: r.run.usage,
            ...(kind.startsWith('bulk')
              ? { rejected: (r.run.result as BulkSubmitResult).rejected }
              : {}),
          })),
        ]),
      ),
    );
    report.detail('backendCallsPerJob', callsSeen);
    report.note(
      "front CPU is the bundled front process's own user + system time (/proc) over the measured window, divided by accepted jobs; the instant backend, the client and the echo server run in processes of their own",
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await client?.stop();
    await front?.stop();
    await Promise.all([echo?.stop(), backend?.stop()]);
  }
}
