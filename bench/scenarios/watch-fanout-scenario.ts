import { DYNAMODB_READ_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { runMeasured } from '../framework/measured-run.js';
import { ProcessSampler } from '../framework/process-sampler.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { ThroughputResult, WatchFanOutResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { startBundledFront, type BundledFront } from '../system/bundled-front.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
import { callSummary, requireCalls, requireUsage } from './scenario-support.js';
import { latencyOf, type SuiteState } from './suite-state.js';

/** DynamoDB's BatchGetItem limit: the fewest calls a poll of N ids can make is ⌈N/100⌉. */
const IDS_PER_BATCH_GET = 100;
/** Target: at most one BatchGetItem per 100 watched ids per poll. */
const CALLS_PER_HUNDRED_IDS_TARGET = 1;
/** Target: the front's resident memory while it fans out. */
const FRONT_RSS_TARGET_MB = 200;
const MS_PER_SECOND = 1000;

/**
 * Scenario 5: 10,000 jobs (queued by the bulk scenario) watched on 100
 * WatchJobs streams of one front — the bundle the container image runs, so
 * its memory is the deployed front's (the local runtime's front runs under
 * tsx, whose loader alone costs tens of MB; its idle RSS is reported too).
 * A steady window with no changes measures
 * the watch hub's DynamoDB reads (calls/s, keys per BatchGetItem) and the
 * front's RSS and CPU from /proc — next to a per-job GetItem poller at the
 * same poll rate and the front's RSS before watching; then some jobs are
 * cancelled so there are changes to deliver (events delivered).
 *
 * @example
 * ```ts
 * results.push(await runWatchFanOutScenario(state, system));
 * ```
 */
export async function runWatchFanOutScenario(
  state: SuiteState,
  system: () => Promise<BenchSystem>,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const settings = state.settings.fanOut;
  const report = new ScenarioReport(
    'watch-fanout',
    `5. Watch fan-out, ${settings.jobs.toLocaleString('en-US')} jobs on ${settings.streams} streams`,
  );
  report.settings({ ...settings, front: 'the esbuild bundle the image runs (node, no tsx)' });
  let front: BundledFront | undefined;
  try {
    const { aws, runtime } = await system();
    const devIdle = ProcessSampler.start(runtime.frontPid()).stop();
    front = await startBundledFront({
      awsEndpoint: aws.endpoint,
      resources: runtime.resources,
      log,
    });
    const jobIds = state.fanOutJobIds.slice(0, settings.jobs);
    if (jobIds.length === 0)
      throw new Error('no queued jobs to watch (the bulk scenario did not run)');
    if (jobIds.length < settings.jobs)
      report.note(`only ${jobIds.length} queued jobs were available to watch`);
    const bundled = front;
    const idle = ProcessSampler.start(front.process.pid).stop();
    const run = await runMeasured<WatchFanOutResult>(
      {
        kind: 'watch-fanout',
        address: front.address,
        jobIds,
        streams: settings.streams,
        settleTimeoutMs: settings.settleTimeoutMs,
        durationMs: settings.durationMs,
        cancels: settings.cancels,
        cancelConcurrency: settings.cancelConcurrency,
        cancelPhaseMs: settings.cancelPhaseMs,
      },
      {
        timeoutMs: state.settings.loadTimeoutMs,
        counts: aws.counts,
        pid: front.process.pid,
        probe: () => fetchFrontMetrics(bundled.healthPort),
      },
    );
    const calls = requireCalls(run, 'watch fan-out');
    const usage = requireUsage(run, 'watch fan-out');
    const result = run.result;
    const windowSeconds = result.windowMs / MS_PER_SECOND;
    const batchGets = calls.operations['dynamodb:BatchGetItem'];
    const keysRead = batchGets?.entries ?? 0;
    const batchGetCalls = batchGets?.calls ?? 0;
    const keysPerCall = batchGetCalls > 0 ? keysRead / batchGetCalls : 0;
    // Each poll reads every watched id once, so polls = keys read ÷ ids watched.
    const pollsPerSecond = keysRead / jobIds.length / windowSeconds;
    const readCallsPerSecond = sumCalls(calls, DYNAMODB_READ_OPERATIONS) / windowSeconds;

    report.measure(
      'BatchGetItem per 100 ids per poll',
      keysPerCall > 0 ? IDS_PER_BATCH_GET / keysPerCall : Number.NaN,
      'calls',
      {
        target: {
          description: `≤ ${CALLS_PER_HUNDRED_IDS_TARGET} BatchGetItem per ${IDS_PER_BATCH_GET} watched ids per poll`,
          subject: 'value',
          comparison: '<=',
          threshold: CALLS_PER_HUNDRED_IDS_TARGET,
        },
      },
    );
    // The naive watcher, measured at the same poll rate (and seen to fall behind if it must).
    const poller = await runMeasured<ThroughputResult>(
      {
        kind: 'getitem-poller',
        awsEndpoint: aws.endpoint,
        tableName: runtime.resources.tableName,
        jobIds,
        callsPerSecond: jobIds.length * pollsPerSecond,
        concurrency: settings.pollerConcurrency,
        durationMs: settings.pollerDurationMs,
      },
      { timeoutMs: state.settings.loadTimeoutMs, counts: aws.counts },
    );
    const pollerCalls = requireCalls(poller, 'GetItem poller');
    const pollerSeconds = poller.result.elapsedMs / MS_PER_SECOND;
    const pollerReads = pollerCalls.operations['dynamodb:GetItem'];
    const pollerPollsPerSecond = poller.result.completed / jobIds.length / pollerSeconds;
    const frontUnitsPerPoll =
      pollsPerSecond > 0 ? (batchGets?.readUnits ?? 0) / windowSeconds / pollsPerSecond : 0;
    const pollerUnitsPerPoll =
      pollerPollsPerSecond > 0
        ? (pollerReads?.readUnits ?? 0) / pollerSeconds / pollerPollsPerSecond
        : Number.NaN;
    report.measure('DynamoDB read calls/s', readCallsPerSecond, 'calls/s', {
      baseline: {
        name: 'GetItem-per-job poller, measured',
        value: sumCalls(pollerCalls, DYNAMODB_READ_OPERATIONS) / pollerSeconds,
        unit: 'calls/s',
      },
    });
    report.measure('polls of every id', pollsPerSecond, 'polls/s', {
      baseline: {
        name: 'GetItem poller reached (aiming at the same)',
        value: pollerPollsPerSecond,
        unit: 'polls/s',
      },
    });
    report.measure('read units per poll of every id', frontUnitsPerPoll, 'RRU', {
      baseline: { name: 'GetItem poller, measured', value: pollerUnitsPerPoll, unit: 'RRU' },
    });
    report.detail('getItemPoller', {
      aimedCallsPerSecond: jobIds.length * pollsPerSecond,
      completed: poller.result.completed,
      elapsedMs: poller.result.elapsedMs,
      latency: latencyOf(poller.result.histogram),
      errors: poller.result.errors,
      calls: callSummary(pollerCalls, jobIds.length),
    });
    report.measure(
      'events delivered',
      result.initialSnapshots + result.windowEvents + result.cancelPhaseEvents,
      'events',
    );
    report.measure('front RSS (peak)', usage.peakRssMb, 'MB', {
      baseline: { name: 'front RSS before watching', value: idle.endRssMb, unit: 'MB' },
      target: {
        description: `front RSS ≤ ${FRONT_RSS_TARGET_MB} MB`,
        subject: 'value',
        comparison: '<=',
        threshold: FRONT_RSS_TARGET_MB,
      },
    });
    report.measure('front CPU', usage.cpuPercent, '% of a core');
    report.measure('dev front (tsx) RSS, idle', devIdle.endRssMb, 'MB');
    const reported = frontMetricsDelta(run.probes).watch;
    report.detail('watch', {
      ...result,
      frontReported: reported,
      batchGetItemPerPollFromFrontPolls:
        reported?.polls !== undefined && reported.polls > 0 ? batchGetCalls / reported.polls : null,
      idleFront: idle,
      keysPerBatchGetItem: keysPerCall,
      readUnitsPerSecond: (batchGets?.readUnits ?? 0) / windowSeconds,
      front: usage,
      calls: callSummary(calls, jobIds.length),
    });
    if (result.cancelled < settings.cancels) {
      report.note(
        `${result.cancelled} of ${settings.cancels} cancels succeeded (${JSON.stringify(result.errors)})`,
      );
    }
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await front?.stop();
  }
}
