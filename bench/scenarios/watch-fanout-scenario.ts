import { DYNAMODB_READ_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { runMeasured } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { WatchFanOutResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { callSummary, requireCalls, requireUsage } from './scenario-support.js';
import type { SuiteState } from './suite-state.js';

/** DynamoDB's BatchGetItem limit: the fewest calls a poll of N ids can make is ⌈N/100⌉. */
const IDS_PER_BATCH_GET = 100;
/** Target: at most one BatchGetItem per 100 watched ids per poll. */
const CALLS_PER_HUNDRED_IDS_TARGET = 1;
/** Target: the front's resident memory while it fans out. */
const FRONT_RSS_TARGET_MB = 200;
const MS_PER_SECOND = 1000;

/**
 * Scenario 5: 10,000 jobs (queued by the bulk scenario) watched on 100
 * WatchJobs streams of one front, some cancelled during the window so there
 * are changes to deliver. Measures the watch hub's DynamoDB reads (calls/s,
 * keys per BatchGetItem), events delivered, and the front's RSS and CPU from
 * /proc — next to a per-job GetItem poller at the same poll rate.
 *
 * @example
 * ```ts
 * results.push(await runWatchFanOutScenario(state, system));
 * ```
 */
export async function runWatchFanOutScenario(
  state: SuiteState,
  system: () => Promise<BenchSystem>,
): Promise<ScenarioResult> {
  const settings = state.settings.fanOut;
  const report = new ScenarioReport(
    'watch-fanout',
    `5. Watch fan-out, ${settings.jobs.toLocaleString('en-US')} jobs on ${settings.streams} streams`,
  );
  report.settings(settings);
  try {
    const { aws, runtime } = await system();
    const jobIds = state.fanOutJobIds.slice(0, settings.jobs);
    if (jobIds.length === 0)
      throw new Error('no queued jobs to watch (the bulk scenario did not run)');
    if (jobIds.length < settings.jobs)
      report.note(`only ${jobIds.length} queued jobs were available to watch`);
    const run = await runMeasured<WatchFanOutResult>(
      {
        kind: 'watch-fanout',
        address: runtime.endpoint,
        jobIds,
        streams: settings.streams,
        settleTimeoutMs: settings.settleTimeoutMs,
        durationMs: settings.durationMs,
        cancels: settings.cancels,
        cancelConcurrency: settings.cancelConcurrency,
      },
      { timeoutMs: state.settings.loadTimeoutMs, counts: aws.counts, pid: runtime.frontPid() },
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
    report.measure('DynamoDB read calls/s', readCallsPerSecond, 'calls/s', {
      baseline: {
        name: 'GetItem per job per poll',
        value: jobIds.length * pollsPerSecond,
        unit: 'calls/s',
      },
    });
    report.measure('polls of every id', pollsPerSecond, 'polls/s');
    report.measure('events delivered', result.initialSnapshots + result.windowEvents, 'events');
    report.measure('front RSS (peak)', usage.peakRssMb, 'MB', {
      target: {
        description: `front RSS ≤ ${FRONT_RSS_TARGET_MB} MB`,
        subject: 'value',
        comparison: '<=',
        threshold: FRONT_RSS_TARGET_MB,
      },
    });
    report.measure('front CPU', usage.cpuPercent, '% of a core');
    report.detail('watch', {
      ...result,
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
  }
}
