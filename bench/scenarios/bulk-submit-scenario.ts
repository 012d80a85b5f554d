import { SQS_SEND_OPERATIONS, sumCalls } from '../aws/aws-call-counts.js';
import { LoadSession } from '../framework/load-session.js';
import { runMeasured, type MeasuredRun } from '../framework/measured-run.js';
import { ScenarioReport, type ScenarioResult } from '../framework/scenario-result.js';
import type { BulkSubmitResult, ThroughputResult } from '../load/load-task.js';
import type { BenchSystem } from '../system/bench-system.js';
import { fetchFrontMetrics, frontMetricsDelta } from '../system/front-metrics.js';
import { directProducerTask, sweepDirectProducer } from './direct-producer.js';
import {
  benchChannelMemoryMb,
  callSummary,
  cpuMsPerJob,
  perJob,
  requireCalls,
  requireUsage,
} from './scenario-support.js';
import { latencyOf, perSecond, type SuiteState } from './suite-state.js';

/** Target: bulk ingestion ≥ 0.8 × the pipelined direct producer (the emulators' ceiling). */
const BULK_TO_DIRECT_TARGET = 0.8;
/** Target: SQS send requests per accepted job under load. */
const SENDS_PER_JOB_TARGET = 0.11;
/** One 10-entry SendMessageBatch per ten jobs: the fewest sends a job can need. */
const FULL_BATCH_SENDS_PER_JOB = 0.1;

/** What one front run of a stream count measured. */
interface FrontRun {
  rate: number;
  sendsPerJob: number;
  cpuMsPerJob: number;
  run: MeasuredRun<BulkSubmitResult>;
}

/**
 * Scenario 3: bulk SubmitJobs over one stream and over four, each run next
 * to the pipelined direct producer — the same number of jobs' submit-path
 * calls (10-entry SendMessageBatch, the record's conditional PutItem) made
 * with the AWS SDK and no gRPC, sends and writes overlapped as the front
 * overlaps them, at the best setting of a sweep, in a warm process of its
 * own. Front and direct runs alternate (front first, then direct first),
 * several times; each figure is the median, with its spread.
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
    `3. Bulk SubmitJobs, ${settings.jobs.toLocaleString('en-US')} jobs a run`,
  );
  report.settings(settings);
  let direct: LoadSession | undefined;
  let client: LoadSession | undefined;
  try {
    const bench = await system();
    const { aws, runtime } = bench;
    [direct, client] = await Promise.all([LoadSession.start(), LoadSession.start()]);
    const directSession = direct;
    const clientSession = client;
    const swept = await sweepDirectProducer(state, bench, directSession);
    const best = swept[0];
    if (best === undefined) throw new Error('the direct producer sweep measured nothing');
    report.detail('directSweep', swept);
    state.directProducer = { jobsPerSecond: best.jobsPerSecond, point: best };
    report.measure('direct producer, best of the sweep', best.jobsPerSecond, 'jobs/s');
    report.note(
      `direct producer: the best of ${swept.length} settings swept (${best.batchesInFlight} sends and ${best.jobsInFlight} jobs in flight); the front's own setting (8 sends, 4 × 256 jobs) is among them`,
    );

    const runDirect = async (): Promise<number> => {
      const result = await directSession.run<ThroughputResult>(
        directProducerTask(bench, best, settings.jobs, 0),
        { timeoutMs: state.settings.loadTimeoutMs },
      );
      if (Object.keys(result.errors).length > 0) {
        throw new Error(`direct producer errors: ${JSON.stringify(result.errors)}`);
      }
      return perSecond(result);
    };
    let firstJob = 0;
    const runFront = async (streams: number): Promise<FrontRun> => {
      const wantIds = Math.max(0, state.settings.fanOut.jobs - state.fanOutJobIds.length);
      const run = await runMeasured<BulkSubmitResult>(
        {
          kind: 'bulk-submit',
          address: runtime.endpoint,
          streams,
          jobs: settings.jobs,
          // The session stays warm: only its first run needs a warm-up.
          warmupJobs: firstJob === 0 ? settings.warmupJobs : 0,
          windowPerStream: settings.windowPerStream,
          returnJobIds: wantIds,
          firstJob,
        },
        {
          timeoutMs: state.settings.loadTimeoutMs,
          counts: aws.counts,
          pid: runtime.frontPid(),
          probe: () => fetchFrontMetrics(runtime.healthPort),
          session: clientSession,
        },
      );
      firstJob += settings.jobs + settings.warmupJobs;
      state.fanOutJobIds.push(...run.result.jobIds);
      const calls = requireCalls(run, `${streams} streams`);
      const usage = requireUsage(run, `${streams} streams`);
      return {
        rate: perSecond(run.result),
        sendsPerJob: perJob(sumCalls(calls, SQS_SEND_OPERATIONS), run.result.accepted),
        cpuMsPerJob: cpuMsPerJob(usage, run.result.accepted),
        run,
      };
    };

    for (const streams of settings.streamCounts) {
      const label = `${streams} stream${streams === 1 ? '' : 's'}`;
      const fronts: FrontRun[] = [];
      const directs: number[] = [];
      for (let rep = 0; rep < settings.repetitions; rep++) {
        // Alternate who goes first, so neither always meets the emulators fresher.
        if (rep % 2 === 0) {
          fronts.push(await runFront(streams));
          directs.push(await runDirect());
        } else {
          directs.push(await runDirect());
          fronts.push(await runFront(streams));
        }
      }
      report.measureRepeated(
        `${label}: jobs/s`,
        fronts.map((f) => f.rate),
        'jobs/s',
        {
          baseline: { name: 'pipelined direct producer', samples: directs, unit: 'jobs/s' },
          target: {
            description: `bulk ≥ ${BULK_TO_DIRECT_TARGET} × the pipelined direct producer`,
            subject: 'ratio',
            comparison: '>=',
            threshold: BULK_TO_DIRECT_TARGET,
          },
        },
      );
      report.measureRepeated(
        `${label}: SQS sends/job`,
        fronts.map((f) => f.sendsPerJob),
        'req/job',
        {
          target: {
            description: `≤ ${SENDS_PER_JOB_TARGET} SQS send requests per accepted job (full batches: ${FULL_BATCH_SENDS_PER_JOB})`,
            subject: 'value',
            comparison: '<=',
            threshold: SENDS_PER_JOB_TARGET,
          },
        },
      );
      report.measureRepeated(
        `${label}: front CPU/job (emulators)`,
        fronts.map((f) => f.cpuMsPerJob),
        'ms',
      );
      const last = fronts[fronts.length - 1];
      if (last === undefined) continue;
      const calls = requireCalls(last.run, label);
      const usage = requireUsage(last.run, label);
      const accepted = last.run.result.accepted;
      report.detail(`streams${streams}`, {
        runs: fronts.map((f) => ({
          jobsPerSecond: f.rate,
          accepted: f.run.result.accepted,
          rejected: f.run.result.rejected,
          errors: f.run.result.errors,
          elapsedMs: f.run.result.elapsedMs,
          ackLatency: latencyOf(f.run.result.histogram),
          front: f.run.usage,
          frontCpuMsPerJob: f.cpuMsPerJob,
          frontReported: frontMetricsDelta(f.run.probes),
        })),
        direct: directs,
        lastRunCalls: callSummary(calls, accepted),
      });
      state.cost.frontBulk[streams] = {
        name: `front, SubmitJobs over ${label}`,
        jobs: accepted,
        calls,
        lambdaMemoryMb: benchChannelMemoryMb(),
        frontCpuSeconds: usage.cpuSeconds,
      };
    }
    report.note(
      'each front run is paired with a direct producer run of the same job count (alternating which goes first); the ratio is the median of the pairs’ ratios, the spread is min–max over the pairs',
    );
    return report.finish();
  } catch (error) {
    return report.finish(error);
  } finally {
    await Promise.all([direct?.stop(), client?.stop()]);
  }
}
