import type { ManagedProcess } from '../../local/process/managed-process.js';
import { SQS_SEND_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { runMeasured } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { ThroughputResult, UnaryLoadTask } from '../load/load-task.js';
import { startBenchProcess } from '../system/bench-process.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
import type { BenchSystem } from '../system/bench-system.js';
import { bestPoint, measureDirectCeilings, summarisePoints } from './direct-ceilings.js';
import {
  benchChannelMemoryMb,
  callSummary,
  cpuMsPerJob,
  perJob,
  requireCalls,
  requireUsage,
} from './scenario-support.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/** Target: front ≥ half the raw echo ceiling. */
const FRONT_TO_ECHO_TARGET = 0.5;
/** Target: SQS send requests per accepted job under load. */
const SENDS_PER_JOB_TARGET = 0.11;

/**
 * Scenario 2: unary SubmitJob through the real front, 64 calls in flight —
 * jobs/s, p50/p99 and SQS send requests per job — next to a naive producer
 * (one SendMessage per request, then the record's PutItem) measured the same
 * way against the same emulators in the same run, divided by the raw echo
 * ceiling of scenario 1, and by the emulators' own ceiling for the submit
 * path's calls (measured first, directly), which bounds any producer here.
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
    `2. Unary SubmitJob, ${settings.concurrency} concurrent`,
  );
  report.settings(settings);
  let naive: ManagedProcess | undefined;
  try {
    const bench = await system();
    const { aws, runtime } = bench;
    // The emulators' own ceilings first: what any producer's submit path is bounded by here.
    const direct = await measureDirectCeilings(state.settings, bench, [
      'sendBatch',
      'conditionalPut',
      'combined',
    ]);
    const directCombined = bestPoint(direct.combined);
    state.directSubmitPath = {
      combinedJobsPerSecond: directCombined.rate,
      sendBatchMessagesPerSecond: bestPoint(direct.sendBatch).rate,
      conditionalPutsPerSecond: bestPoint(direct.conditionalPut).rate,
    };
    report.detail('direct', summarisePoints(direct));
    const task = (address: string): UnaryLoadTask => ({
      kind: 'unary',
      target: 'submit',
      address,
      ...settings,
    });
    const front = await runMeasured<ThroughputResult>(task(runtime.endpoint), {
      timeoutMs: state.settings.loadTimeoutMs,
      counts: aws.counts,
      pid: runtime.frontPid(),
      probe: () => fetchFrontMetrics(runtime.healthPort),
    });
    naive = await startBenchProcess('naive-producer', 'servers/naive-front-main.ts', {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.endpoint,
      SLUICE_TABLE_NAME: runtime.resources.tableName,
      SLUICE_QUEUE_PREFIX: runtime.resources.queuePrefix,
    });
    const baseline = await runMeasured<ThroughputResult>(
      task(`127.0.0.1:${String(naive.ready.port)}`),
      { timeoutMs: state.settings.loadTimeoutMs, counts: aws.counts, pid: naive.pid },
    );

    const frontCalls = requireCalls(front, 'front');
    const naiveCalls = requireCalls(baseline, 'naive producer');
    const frontUsage = requireUsage(front, 'front');
    const naiveUsage = requireUsage(baseline, 'naive producer');
    const frontJobs = front.result.completed;
    const naiveJobs = baseline.result.completed;
    const frontRate = perSecond(front.result);
    const naiveRate = perSecond(baseline.result);
    const frontLatency = latencyOf(front.result.histogram);
    const naiveLatency = latencyOf(baseline.result.histogram);
    const echo = state.echo?.unaryCallsPerSecond;
    const naiveName = 'naive: SendMessage per request';

    report.measure('front jobs/s', frontRate, 'jobs/s', {
      ...(echo === undefined
        ? {}
        : { baseline: { name: 'unary echo ceiling', value: echo, unit: 'calls/s' } }),
      target: {
        description: `front ≥ ${FRONT_TO_ECHO_TARGET} × echo ceiling`,
        subject: 'ratio',
        comparison: '>=',
        threshold: FRONT_TO_ECHO_TARGET,
      },
    });
    report.measure('front jobs/s vs direct calls', frontRate, 'jobs/s', {
      baseline: { name: 'direct submit-path ceiling', value: directCombined.rate, unit: 'jobs/s' },
    });
    report.measure('front jobs/s vs naive', frontRate, 'jobs/s', {
      baseline: { name: naiveName, value: naiveRate, unit: 'jobs/s' },
    });
    report.measure('front p50', frontLatency.p50Ms, 'ms', {
      baseline: { name: 'naive p50', value: naiveLatency.p50Ms, unit: 'ms' },
    });
    report.measure('front p99', frontLatency.p99Ms, 'ms', {
      baseline: { name: 'naive p99', value: naiveLatency.p99Ms, unit: 'ms' },
    });
    report.measure(
      'SQS send requests/job',
      perJob(sumCalls(frontCalls, SQS_SEND_OPERATIONS), frontJobs),
      'req/job',
      {
        baseline: {
          name: 'naive',
          value: perJob(sumCalls(naiveCalls, SQS_SEND_OPERATIONS), naiveJobs),
          unit: 'req/job',
        },
        target: {
          description: `≤ ${SENDS_PER_JOB_TARGET} SQS send requests per accepted job`,
          subject: 'value',
          comparison: '<=',
          threshold: SENDS_PER_JOB_TARGET,
        },
      },
    );
    report.measure('front CPU/job', cpuMsPerJob(frontUsage, frontJobs), 'ms', {
      baseline: { name: 'naive CPU/job', value: cpuMsPerJob(naiveUsage, naiveJobs), unit: 'ms' },
    });
    report.detail('front', {
      jobs: frontJobs,
      frontReported: frontMetricsDelta(front.probes),
      latency: frontLatency,
      errors: front.result.errors,
      process: frontUsage,
      calls: callSummary(frontCalls, frontJobs),
    });
    report.detail('naive', {
      jobs: naiveJobs,
      latency: naiveLatency,
      errors: baseline.result.errors,
      process: naiveUsage,
      calls: callSummary(naiveCalls, naiveJobs),
    });
    const lambdaMemoryMb = benchChannelMemoryMb();
    state.cost.frontUnary = {
      name: 'front, unary',
      jobs: frontJobs,
      calls: frontCalls,
      lambdaMemoryMb,
      frontCpuSeconds: frontUsage.cpuSeconds,
    };
    state.cost.naiveUnary = {
      name: 'naive producer, unary',
      jobs: naiveJobs,
      calls: naiveCalls,
      lambdaMemoryMb,
      frontCpuSeconds: naiveUsage.cpuSeconds,
    };
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await naive?.stop();
  }
}
