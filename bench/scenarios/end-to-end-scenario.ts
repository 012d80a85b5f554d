import { runMeasured } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { LatencySummary } from '../framework/latency-histogram.js';
import type { LatencyStage, LightEndToEndResult } from '../load/end-to-end-load.js';
import type { SaturatedEndToEndResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
import {
  benchChannelMemoryMb,
  callSummary,
  cpuMsPerJob,
  perJob,
  requireCalls,
  requireUsage,
} from './scenario-support.js';
import { latencyOf, type SuiteState } from './suite-state.js';

/** Targets at light load (absolute, local only). */
const LIGHT_P50_TARGET_MS = 50;
const LIGHT_P99_TARGET_MS = 250;
/** The sustained rate is taken between these fractions of completions (ramp-up and tail cut). */
const SUSTAINED_FROM = 0.1;
const SUSTAINED_TO = 0.9;
const MS_PER_SECOND = 1000;
const DYNAMODB_WRITES = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;

/**
 * Completed jobs/s between the 10th and 90th percentile of completion times,
 * so neither the ramp-up nor the tail of the last stragglers counts.
 *
 * @example
 * ```ts
 * sustainedRate([100, 200, 300, ...]); // jobs/s
 * ```
 */
export function sustainedRate(sortedOffsetsMs: readonly number[]): number {
  const n = sortedOffsetsMs.length;
  if (n < 2) return 0;
  const from = Math.floor(n * SUSTAINED_FROM);
  const to = Math.max(from + 1, Math.ceil(n * SUSTAINED_TO) - 1);
  const spanMs = (sortedOffsetsMs[to] ?? 0) - (sortedOffsetsMs[from] ?? 0);
  return spanMs > 0 ? ((to - from) / spanMs) * MS_PER_SECOND : 0;
}

/**
 * Scenario 4: echo jobs from submit to SUCCEEDED seen on a WatchJobs stream,
 * through the front, the queue, the local event-source runner and the
 * consumer: latency at light load (10 jobs/s), then the sustained rate of
 * completed jobs at saturation — with every AWS call counted for the cost
 * model.
 *
 * @example
 * ```ts
 * results.push(await runEndToEndScenario(state, system));
 * ```
 */
export async function runEndToEndScenario(
  state: SuiteState,
  system: () => Promise<BenchSystem>,
): Promise<ScenarioResult> {
  const settings = state.settings.endToEnd;
  const report = new ScenarioReport('end-to-end', '4. End to end: echo submit → SUCCEEDED watched');
  report.settings(settings);
  try {
    const { aws, runtime } = await system();
    const light = await runMeasured<LightEndToEndResult>(
      {
        kind: 'end-to-end-light',
        address: runtime.endpoint,
        jobsPerSecond: settings.jobsPerSecond,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        jobTimeoutMs: settings.jobTimeoutMs,
      },
      { timeoutMs: state.settings.loadTimeoutMs, counts: aws.counts, pid: runtime.frontPid() },
    );
    const lightLatency = latencyOf(light.result.histogram);
    const submitLatency = latencyOf(light.result.submitHistogram);
    report.measure(`${settings.jobsPerSecond} jobs/s: p50`, lightLatency.p50Ms, 'ms', {
      target: {
        description: `end-to-end p50 ≤ ${LIGHT_P50_TARGET_MS} ms at light load`,
        subject: 'value',
        comparison: '<=',
        threshold: LIGHT_P50_TARGET_MS,
      },
    });
    report.measure(`${settings.jobsPerSecond} jobs/s: p99`, lightLatency.p99Ms, 'ms', {
      target: {
        description: `end-to-end p99 ≤ ${LIGHT_P99_TARGET_MS} ms at light load`,
        subject: 'value',
        comparison: '<=',
        threshold: LIGHT_P99_TARGET_MS,
      },
    });
    if (light.calls !== undefined) {
      state.cost.endToEndLight = {
        name: `Sluice at ${settings.jobsPerSecond} jobs/s`,
        jobs: light.result.completed,
        calls: light.calls,
        lambdaMemoryMb: benchChannelMemoryMb(),
        frontCpuSeconds: light.usage?.cpuSeconds,
      };
    }
    const stageNames: Record<LatencyStage, string> = {
      ack: 'submit → ack',
      queued: 'accepted → consumer started',
      running: 'started → finished',
      notified: 'finished → seen on the watch',
    };
    const stages = Object.fromEntries(
      Object.entries(light.result.stages).map(([stage, encoded]) => [stage, latencyOf(encoded)]),
    ) as Record<LatencyStage, LatencySummary>;
    for (const [stage, name] of Object.entries(stageNames) as [LatencyStage, string][]) {
      report.measure(`  p50 of ${name}`, stages[stage].p50Ms, 'ms');
    }
    report.detail('light', {
      stages,
      latency: lightLatency,
      submitLatency,
      completed: light.result.completed,
      errors: light.result.errors,
      calls: light.calls === undefined ? null : callSummary(light.calls, light.result.completed),
    });

    const saturated = await runMeasured<SaturatedEndToEndResult>(
      {
        kind: 'end-to-end-saturation',
        address: runtime.endpoint,
        jobs: settings.saturationJobs,
        warmupJobs: settings.saturationWarmupJobs,
        streams: settings.streams,
        windowPerStream: settings.windowPerStream,
        idsPerWatch: settings.idsPerWatch,
        timeoutMs: settings.saturationTimeoutMs,
      },
      {
        timeoutMs: state.settings.loadTimeoutMs + settings.saturationTimeoutMs,
        counts: aws.counts,
        pid: runtime.frontPid(),
        probe: () => fetchFrontMetrics(runtime.healthPort),
      },
    );
    const calls = requireCalls(saturated, 'saturation');
    const usage = requireUsage(saturated, 'saturation');
    const result = saturated.result;
    const rate = sustainedRate(result.completionOffsetsMs);
    const writeCalls = Object.entries(calls.operations)
      .filter(([key]) => DYNAMODB_WRITES.test(key))
      .reduce((sum, [, op]) => sum + op.calls, 0);
    const writesPerJob = perJob(writeCalls, result.succeeded);
    report.measure('saturation: completed jobs/s', rate, 'jobs/s');
    const satLatency = latencyOf(result.histogram);
    report.measure('saturation: p50', satLatency.p50Ms, 'ms');
    report.measure('saturation: p99', satLatency.p99Ms, 'ms');
    report.measure('DynamoDB writes per job', writesPerJob, 'calls');
    report.measure(
      'messages per invocation',
      perJob(calls.lambda.messages, calls.lambda.invocations),
      'msgs',
    );
    report.detail('saturation', {
      submitted: result.submitted,
      succeeded: result.succeeded,
      otherTerminal: result.otherTerminal,
      submitElapsedMs: result.submitElapsedMs,
      lastCompletionMs: result.completionOffsetsMs[result.completionOffsetsMs.length - 1] ?? 0,
      latency: satLatency,
      errors: result.errors,
      front: usage,
      frontCpuMsPerJob: cpuMsPerJob(usage, result.succeeded),
      dynamoDbWritesPerJob: writesPerJob,
      frontReported: frontMetricsDelta(saturated.probes),
      calls: callSummary(calls, result.succeeded),
    });
    state.cost.endToEnd = {
      name: 'Sluice at saturation',
      jobs: result.succeeded,
      calls,
      lambdaMemoryMb: benchChannelMemoryMb(),
      frontCpuSeconds: usage.cpuSeconds,
    };
    return report.finish();
  } catch (error) {
    return report.finish(error);
  }
}
