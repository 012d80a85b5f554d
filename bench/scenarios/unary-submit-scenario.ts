import type { ManagedProcess } from '../../local/process/managed-process.js';
import { SQS_SEND_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { LoadSession } from '../framework/load-session.js';
import { runMeasured, type MeasuredRun } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { ThroughputResult, UnaryLoadTask } from '../load/load-task.js';
import { startBenchProcess } from '../system/bench-process.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
import type { BenchSystem } from '../system/bench-system.js';
import {
  benchChannelMemoryMb,
  callSummary,
  cpuMsPerJob,
  perJob,
  requireCalls,
  requireUsage,
} from './scenario-support.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/** Target: SQS send requests per accepted job under load. */
const SENDS_PER_JOB_TARGET = 0.11;

/** What one unary run measured. */
interface UnaryRun {
  rate: number;
  p50Ms: number;
  p99Ms: number;
  sendsPerJob: number;
  cpuMsPerJob: number;
  run: MeasuredRun<ThroughputResult>;
}

/**
 * Scenario 2: unary SubmitJob through the real front, 64 calls in flight —
 * jobs/s, p50/p99, SQS send requests per job and the front's CPU per job —
 * next to a naive producer (one SendMessage per request, then the record's
 * PutItem) against the same emulators. Front and naive runs alternate
 * (front first, then naive first) from one warm client process, several
 * times; each figure is the median, with its spread. (Judged against the
 * echo ceiling, the front's rate here is the emulators'; the instant-backend
 * scenario judges it without them.)
 *
 * @example
 * ```ts
 * results.push(await runUnarySubmitScenario(state, system));
 * ```
 */
export async function runUnarySubmitScenario(
  state: SuiteState,
  system: () => Promise<BenchSystem>,
): Promise<ScenarioResult> {
  const settings = state.settings.unary;
  const report = new ScenarioReport(
    'unary-submit',
    `2. Unary SubmitJob, ${settings.concurrency} concurrent (emulators)`,
  );
  report.settings(settings);
  let naive: ManagedProcess | undefined;
  let client: LoadSession | undefined;
  try {
    const bench = await system();
    const { aws, runtime } = bench;
    naive = await startBenchProcess('naive-producer', 'servers/naive-front-main.ts', {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.endpoint,
      SLUICE_TABLE_NAME: runtime.resources.tableName,
      SLUICE_QUEUE_PREFIX: runtime.resources.queuePrefix,
    });
    client = await LoadSession.start();
    const session = client;
    const naiveAddress = `127.0.0.1:${String(naive.ready.port)}`;
    const naivePid = naive.pid;
    const task = (address: string): UnaryLoadTask => ({
      kind: 'unary',
      target: 'submit',
      address,
      concurrency: settings.concurrency,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
    });
    const measure = async (which: 'front' | 'naive'): Promise<UnaryRun> => {
      const run = await runMeasured<ThroughputResult>(
        task(which === 'front' ? runtime.endpoint : naiveAddress),
        {
          timeoutMs: state.settings.loadTimeoutMs,
          counts: aws.counts,
          pid: which === 'front' ? runtime.frontPid() : naivePid,
          session,
          ...(which === 'front' ? { probe: () => fetchFrontMetrics(runtime.healthPort) } : {}),
        },
      );
      const calls = requireCalls(run, which);
      const usage = requireUsage(run, which);
      const latency = latencyOf(run.result.histogram);
      return {
        rate: perSecond(run.result),
        p50Ms: latency.p50Ms,
        p99Ms: latency.p99Ms,
        sendsPerJob: perJob(sumCalls(calls, SQS_SEND_OPERATIONS), run.result.completed),
        cpuMsPerJob: cpuMsPerJob(usage, run.result.completed),
        run,
      };
    };
    const fronts: UnaryRun[] = [];
    const naives: UnaryRun[] = [];
    for (let rep = 0; rep < settings.repetitions; rep++) {
      if (rep % 2 === 0) {
        fronts.push(await measure('front'));
        naives.push(await measure('naive'));
      } else {
        naives.push(await measure('naive'));
        fronts.push(await measure('front'));
      }
    }
    const of = (runs: UnaryRun[], key: keyof Omit<UnaryRun, 'run'>): number[] =>
      runs.map((r) => r[key]);
    const naiveName = 'naive: SendMessage per request';
    report.measureRepeated('front jobs/s vs naive', of(fronts, 'rate'), 'jobs/s', {
      baseline: { name: naiveName, samples: of(naives, 'rate'), unit: 'jobs/s' },
    });
    const echo = state.echo?.unaryCallsPerSecond;
    if (echo !== undefined) {
      report.measureRepeated('front jobs/s vs echo', of(fronts, 'rate'), 'jobs/s', {
        baseline: {
          name: 'unary echo ceiling',
          samples: fronts.map(() => echo),
          unit: 'calls/s',
        },
      });
    }
    report.measureRepeated('front p50', of(fronts, 'p50Ms'), 'ms', {
      baseline: { name: 'naive p50', samples: of(naives, 'p50Ms'), unit: 'ms' },
    });
    report.measureRepeated('front p99', of(fronts, 'p99Ms'), 'ms', {
      baseline: { name: 'naive p99', samples: of(naives, 'p99Ms'), unit: 'ms' },
    });
    report.measureRepeated('SQS send requests/job', of(fronts, 'sendsPerJob'), 'req/job', {
      baseline: { name: 'naive', samples: of(naives, 'sendsPerJob'), unit: 'req/job' },
      target: {
        description: `≤ ${SENDS_PER_JOB_TARGET} SQS send requests per accepted job`,
        subject: 'value',
        comparison: '<=',
        threshold: SENDS_PER_JOB_TARGET,
      },
    });
    report.measureRepeated('front CPU/job (emulators)', of(fronts, 'cpuMsPerJob'), 'ms', {
      baseline: { name: 'naive CPU/job', samples: of(naives, 'cpuMsPerJob'), unit: 'ms' },
    });
    const detailOf = (r: UnaryRun): Record<string, unknown> => ({
      jobs: r.run.result.completed,
      jobsPerSecond: r.rate,
      latency: latencyOf(r.run.result.histogram),
      errors: r.run.result.errors,
      process: r.run.usage,
      frontReported: frontMetricsDelta(r.run.probes),
    });
    report.detail('front', fronts.map(detailOf));
    report.detail('naive', naives.map(detailOf));
    const lastFront = fronts[fronts.length - 1];
    const lastNaive = naives[naives.length - 1];
    if (lastFront !== undefined && lastNaive !== undefined) {
      const frontCalls = requireCalls(lastFront.run, 'front');
      const naiveCalls = requireCalls(lastNaive.run, 'naive');
      report.detail('frontCalls', callSummary(frontCalls, lastFront.run.result.completed));
      report.detail('naiveCalls', callSummary(naiveCalls, lastNaive.run.result.completed));
      const lambdaMemoryMb = benchChannelMemoryMb();
      state.cost.frontUnary = {
        name: 'front, unary',
        jobs: lastFront.run.result.completed,
        calls: frontCalls,
        lambdaMemoryMb,
        frontCpuSeconds: requireUsage(lastFront.run, 'front').cpuSeconds,
      };
      state.cost.naiveUnary = {
        name: 'naive producer, unary',
        jobs: lastNaive.run.result.completed,
        calls: naiveCalls,
        lambdaMemoryMb,
        frontCpuSeconds: requireUsage(lastNaive.run, 'naive').cpuSeconds,
      };
    }
    report.note(
      'front and naive runs alternate from one warm client process (front first, then naive first); medians, spread min–max',
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await client?.stop();
    await naive?.stop();
  }
}
