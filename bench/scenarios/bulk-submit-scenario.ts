import { SQS_SEND_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { runMeasured } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { BulkSubmitResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
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

/** Target: bulk ingestion ≥ 0.8 × the direct ceiling of the submit path's calls. */
const BULK_TO_DIRECT_TARGET = 0.8;
/** Target: SQS send requests per accepted job under load. */
const SENDS_PER_JOB_TARGET = 0.11;
/** One 10-entry SendMessageBatch per ten jobs: the fewest sends a job can need. */
const FULL_BATCH_SENDS_PER_JOB = 0.1;

/**
 * Scenario 3: bulk SubmitJobs over one stream and over four, next to the
 * emulators' own ceilings for exactly the calls one job needs on the submit
 * path (10-entry SendMessageBatch and the record's conditional PutItem),
 * measured directly — without gRPC or the front — just before and just
 * after each run.
 *
 * @example
 * ```ts
 * results.push(await runBulkSubmitScenario(state, system));
 * ```
 */
export async function runBulkSubmitScenario(
  state: SuiteState,
  system: () => Promise<BenchSystem>,
): Promise<ScenarioResult> {
  const settings = state.settings.bulk;
  const report = new ScenarioReport(
    'bulk-submit',
    `3. Bulk SubmitJobs, ${settings.jobs.toLocaleString('en-US')} jobs`,
  );
  report.settings(settings);
  try {
    const bench = await system();
    const { aws, runtime } = bench;
    const alone =
      state.directSubmitPath === undefined
        ? await measureDirectCeilings(state.settings, bench, ['sendBatch', 'conditionalPut'])
        : undefined;
    const sendBatchRate =
      state.directSubmitPath?.sendBatchMessagesPerSecond ?? bestPoint(alone?.sendBatch).rate;
    const conditionalPutRate =
      state.directSubmitPath?.conditionalPutsPerSecond ?? bestPoint(alone?.conditionalPut).rate;
    report.measure('direct SendMessageBatch (10)', sendBatchRate, 'msgs/s');
    report.measure('direct conditional PutItem', conditionalPutRate, 'calls/s');
    if (alone !== undefined) report.detail('directAlone', summarisePoints(alone));
    // The machine is shared, so each run is bracketed by direct ceilings measured just
    // before and just after it, and divided by their mean.
    const measureCombined = async (key: string): Promise<number> => {
      const both = await measureDirectCeilings(state.settings, bench, ['combined']);
      report.detail(key, summarisePoints(both));
      return bestPoint(both.combined).rate;
    };
    const ceilings: number[] = [await measureCombined('directCombined0')];

    const lastStreams = settings.streamCounts[settings.streamCounts.length - 1];
    for (const streams of settings.streamCounts) {
      const label = `${streams} stream${streams === 1 ? '' : 's'}`;
      const before = ceilings[ceilings.length - 1] ?? 0;
      const run = await runMeasured<BulkSubmitResult>(
        {
          kind: 'bulk-submit',
          address: runtime.endpoint,
          streams,
          jobs: settings.jobs,
          warmupJobs: settings.warmupJobs,
          windowPerStream: settings.windowPerStream,
          returnJobIds: streams === lastStreams ? state.settings.fanOut.jobs : 0,
        },
        {
          timeoutMs: state.settings.loadTimeoutMs,
          counts: aws.counts,
          pid: runtime.frontPid(),
          probe: () => fetchFrontMetrics(runtime.healthPort),
        },
      );
      const after = await measureCombined(`directCombinedAfter${streams}`);
      ceilings.push(after);
      const direct = (before + after) / 2;
      const calls = requireCalls(run, label);
      const usage = requireUsage(run, label);
      const accepted = run.result.accepted;
      const rate = perSecond(run.result);
      report.measure(`direct: both calls (around ${label})`, direct, 'jobs/s');
      report.measure(`${label}: jobs/s`, rate, 'jobs/s', {
        baseline: { name: 'direct ceiling', value: direct, unit: 'jobs/s' },
        target: {
          description: `bulk ≥ ${BULK_TO_DIRECT_TARGET} × direct ceiling of the submit path`,
          subject: 'ratio',
          comparison: '>=',
          threshold: BULK_TO_DIRECT_TARGET,
        },
      });
      report.measure(
        `${label}: SQS sends/job`,
        perJob(sumCalls(calls, SQS_SEND_OPERATIONS), accepted),
        'req/job',
        {
          baseline: { name: 'full batches', value: FULL_BATCH_SENDS_PER_JOB, unit: 'req/job' },
          target: {
            description: `≤ ${SENDS_PER_JOB_TARGET} SQS send requests per accepted job`,
            subject: 'value',
            comparison: '<=',
            threshold: SENDS_PER_JOB_TARGET,
          },
        },
      );
      const bidi = state.echo?.bidiMessagesPerSecond[streams];
      report.detail(`streams${streams}`, {
        frontReported: frontMetricsDelta(run.probes),
        directCeilingBefore: before,
        directCeilingAfter: after,
        accepted,
        rejected: run.result.rejected,
        jobsPerSecond: rate,
        elapsedMs: run.result.elapsedMs,
        ackLatency: latencyOf(run.result.histogram),
        errors: run.result.errors,
        front: usage,
        frontCpuMsPerJob: cpuMsPerJob(usage, accepted),
        ratioToBidiEchoCeiling: bidi === undefined ? null : rate / bidi,
        calls: callSummary(calls, accepted),
      });
      state.cost.frontBulk[streams] = {
        name: `front, SubmitJobs over ${label}`,
        jobs: accepted,
        calls,
        lambdaMemoryMb: benchChannelMemoryMb(),
        frontCpuSeconds: usage.cpuSeconds,
      };
      if (run.result.jobIds.length > 0) state.fanOutJobIds = run.result.jobIds;
    }
    state.directSubmitPath = {
      combinedJobsPerSecond: Math.max(...ceilings),
      sendBatchMessagesPerSecond: sendBatchRate,
      conditionalPutsPerSecond: conditionalPutRate,
    };
    report.note(
      'direct ceilings: the best of each call at the concurrencies in settings, made with the AWS SDK through the same counting proxy as the front; each bulk run is divided by the mean of the ceilings measured just before and just after it',
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  }
}
