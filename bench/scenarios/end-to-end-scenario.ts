import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { runLoadProcess } from '../framework/load-process.js';
import { runMeasured } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { LatencySummary } from '../framework/latency-histogram.js';
import type { LatencyStage, LightEndToEndResult } from '../load/end-to-end-load.js';
import type { ChainStep, DirectChainResult, SaturatedEndToEndResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import {
  cpuSecondsBetween,
  frontDeltaBetween,
  handlerRunsBetween,
  probeSystem,
  type SystemProcess,
} from '../system/system-probe.js';
import {
  benchChannelMemoryMb,
  callSummary,
  cpuMsPerJob,
  perJob,
  requireCalls,
  requireUsage,
} from './scenario-support.js';
import { bestPoint, measureDirectCeilings, summarisePoints } from './direct-ceilings.js';
import { measureFullBatchRuns } from './full-batch-handler-runs.js';
import { latencyOf, type SuiteState } from './suite-state.js';

/** Targets at light load (absolute, local only). */
const LIGHT_P50_TARGET_MS = 50;
const LIGHT_P99_TARGET_MS = 250;
/** The sustained rate is taken between these fractions of completions (ramp-up and tail cut). */
const SUSTAINED_FROM = 0.1;
const SUSTAINED_TO = 0.9;
const MS_PER_SECOND = 1000;
/** The conditional writes of one job's life: the record's PutItem, the claim, the outcome. */
const WRITES_PER_JOB = 3;
const DYNAMODB_WRITES = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
/** The direct chain's own queue: no consumer polls it. */
const CHAIN_QUEUE_NAME = 'sluice-bench-direct-chain.fifo';
const PROCESS_NAMES: Record<SystemProcess, string> = {
  dynamoEmulator: 'DynamoDB emulator (dynalite)',
  sqsEmulator: 'SQS emulator (fauxqs)',
  proxy: 'counting proxy',
  front: 'front',
  consumers: 'runner + consumers',
};
const CHAIN_STEP_NAMES: Record<ChainStep, string> = {
  send: 'SendMessageBatch (1 entry)',
  record: 'conditional PutItem',
  wake: 'send → waiting receive returns',
  claim: 'claim UpdateItem',
  finish: 'outcome UpdateItem',
  read: 'BatchGetItem (1 key)',
};

/** Runs the direct chain (see `runDirectChain`) at the light load's rate, on a queue of its own. */
async function measureDirectChain(
  state: SuiteState,
  bench: BenchSystem,
): Promise<DirectChainResult> {
  const settings = state.settings.endToEnd;
  const { QueueUrl } = await bench.runtime.clients.sqs.send(
    new CreateQueueCommand({ QueueName: CHAIN_QUEUE_NAME, Attributes: { FifoQueue: 'true' } }),
  );
  if (QueueUrl === undefined) throw new Error('the direct chain queue was not created');
  return runLoadProcess<DirectChainResult>(
    {
      kind: 'direct-chain',
      awsEndpoint: bench.aws.endpoint,
      queueUrl: QueueUrl,
      tableName: bench.runtime.resources.tableName,
      jobsPerSecond: settings.jobsPerSecond,
      warmupMs: settings.warmupMs,
      durationMs: settings.chainDurationMs,
    },
    { timeoutMs: state.settings.loadTimeoutMs },
  );
}

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
    const bench = await system();
    const { aws, runtime } = bench;
    // The floor first: the same AWS calls a job's critical path makes, made directly.
    const chain = await measureDirectChain(state, bench);
    const floor = latencyOf(chain.histogram);
    const light = await runMeasured<LightEndToEndResult>(
      {
        kind: 'end-to-end-light',
        address: runtime.endpoint,
        jobsPerSecond: settings.jobsPerSecond,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        jobTimeoutMs: settings.jobTimeoutMs,
      },
      {
        timeoutMs: state.settings.loadTimeoutMs,
        counts: aws.counts,
        pid: runtime.frontPid(),
        probe: () => probeSystem(bench),
      },
    );
    const lightHandlers = handlerRunsBetween(light.probes);
    const lightLatency = latencyOf(light.result.histogram);
    const submitLatency = latencyOf(light.result.submitHistogram);
    const floorName = 'the same AWS calls, made directly';
    report.measure(`${settings.jobsPerSecond} jobs/s: p50`, lightLatency.p50Ms, 'ms', {
      baseline: { name: floorName, value: floor.p50Ms, unit: 'ms' },
      target: {
        description: `end-to-end p50 ≤ ${LIGHT_P50_TARGET_MS} ms at light load`,
        subject: 'value',
        comparison: '<=',
        threshold: LIGHT_P50_TARGET_MS,
      },
    });
    report.measure(`${settings.jobsPerSecond} jobs/s: p99`, lightLatency.p99Ms, 'ms', {
      baseline: { name: floorName, value: floor.p99Ms, unit: 'ms' },
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
        handlers: lightHandlers,
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
    const chainSteps = Object.fromEntries(
      Object.entries(chain.steps).map(([step, encoded]) => [step, latencyOf(encoded)]),
    ) as Record<ChainStep, LatencySummary>;
    for (const [step, name] of Object.entries(CHAIN_STEP_NAMES) as [ChainStep, string][]) {
      report.measure(`  direct: p50 of ${name}`, chainSteps[step].p50Ms, 'ms');
    }
    report.measure(
      'consumer handler ms/invocation',
      perJob(lightHandlers.billedDurationMs, lightHandlers.invocations),
      'ms',
    );
    report.detail('directChain', { latency: floor, steps: chainSteps, errors: chain.errors });
    report.detail('light', {
      stages,
      latency: lightLatency,
      submitLatency,
      completed: light.result.completed,
      errors: light.result.errors,
      calls: light.calls === undefined ? null : callSummary(light.calls, light.result.completed),
      handlers: lightHandlers,
      cpuSeconds: cpuSecondsBetween(light.probes),
    });

    // What the DynamoDB emulator allows: a job's three conditional writes, made directly.
    const writes = await measureDirectCeilings(
      state.settings,
      bench,
      ['jobWrites'],
      settings.writeCeilingConcurrencies,
    );
    const directWritesPerSecond = bestPoint(writes.jobWrites).rate * WRITES_PER_JOB;
    report.detail('directJobWrites', summarisePoints(writes));
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
        probe: () => probeSystem(bench),
      },
    );
    const calls = requireCalls(saturated, 'saturation');
    const usage = requireUsage(saturated, 'saturation');
    const result = saturated.result;
    const handlers = handlerRunsBetween(saturated.probes);
    const rate = sustainedRate(result.completionOffsetsMs);
    const writeCalls = Object.entries(calls.operations)
      .filter(([key]) => DYNAMODB_WRITES.test(key))
      .reduce((sum, [, op]) => sum + op.calls, 0);
    const writesPerJob = perJob(writeCalls, result.succeeded);
    const windowSeconds =
      (result.completionOffsetsMs[result.completionOffsetsMs.length - 1] ?? 0) / MS_PER_SECOND;
    report.measure('saturation: completed jobs/s', rate, 'jobs/s');
    report.measure(
      'saturation: DynamoDB writes/s',
      windowSeconds > 0 ? writeCalls / windowSeconds : 0,
      'writes/s',
      {
        baseline: {
          name: 'the same writes made directly',
          value: directWritesPerSecond,
          unit: 'writes/s',
        },
      },
    );
    const satLatency = latencyOf(result.histogram);
    report.measure('saturation: p50', satLatency.p50Ms, 'ms');
    report.measure('saturation: p99', satLatency.p99Ms, 'ms');
    report.measure('DynamoDB writes per job', writesPerJob, 'calls');
    const cpu = cpuSecondsBetween(saturated.probes);
    for (const [process, name] of Object.entries(PROCESS_NAMES) as [SystemProcess, string][]) {
      const seconds = cpu[process];
      if (seconds === undefined) continue;
      report.measure(
        `  saturation CPU/job: ${name}`,
        perJob(seconds * MS_PER_SECOND, result.succeeded),
        'ms',
      );
    }
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
      frontReported: frontDeltaBetween(saturated.probes),
      handlers,
      cpuSeconds: cpu,
      calls: callSummary(calls, result.succeeded),
    });
    state.cost.endToEnd = {
      name: 'Sluice at saturation',
      jobs: result.succeeded,
      calls,
      lambdaMemoryMb: benchChannelMemoryMb(),
      handlers,
      frontCpuSeconds: usage.cpuSeconds,
    };

    // The saturated handler waits behind every other job's writes: the same full batch, timed
    // with the emulators idle, is what it costs where the table does not queue.
    const fullBatches = await measureFullBatchRuns(bench, settings.fullBatchInvocations);
    const idleMsPerInvocation = perJob(fullBatches.billedDurationMs, fullBatches.invocations);
    report.measure(
      'consumer handler ms per full batch, emulators idle',
      idleMsPerInvocation,
      'ms',
      {
        baseline: {
          name: 'at saturation',
          value: perJob(handlers.billedDurationMs, handlers.invocations),
          unit: 'ms',
        },
      },
    );
    report.detail('fullBatches', fullBatches);
    state.cost.endToEndIdleTable = {
      ...state.cost.endToEnd,
      name: 'Sluice at saturation, full batches timed on idle emulators',
      handlers: {
        invocations: handlers.invocations,
        billedDurationMs: handlers.invocations * idleMsPerInvocation,
      },
    };
    return report.finish();
  } catch (error) {
    return report.finish(error);
  }
}
