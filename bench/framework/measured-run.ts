import type { AwsCallCounts } from '../aws/aws-call-counts.js';
import { diffCounts } from '../aws/aws-call-counts.js';
import type { LoadTask } from '../load/load-task.js';
import { runLoadProcess, type LoadProcessOptions } from './load-process.js';
import type { LoadSession } from './load-session.js';
import { ProcessSampler, type ProcessUsage } from './process-sampler.js';

/** What to observe while a load process measures. */
export interface MeasuredRunOptions {
  timeoutMs: number;
  /** Snapshot AWS call counts at the measurement's marks. */
  counts?: () => Promise<AwsCallCounts>;
  /** Sample this process's RSS and CPU between the marks. */
  pid?: number;
  /** Read at both marks (e.g. the front's own /metrics), kept as they were read. */
  probe?: () => Promise<unknown>;
  /** Run the task in this warm session instead of a fresh load process. */
  session?: LoadSession;
}

/** A load result with what was observed between its marks. */
export interface MeasuredRun<R> {
  result: R;
  /** AWS calls made between `measure-start` and `measure-end`. */
  calls?: AwsCallCounts;
  usage?: ProcessUsage;
  /** What `probe` read at `measure-start` and `measure-end`. */
  probes?: { start: unknown; end: unknown };
}

/**
 * Runs a load task in its own process and, between the `measure-start` and
 * `measure-end` marks it sends, counts AWS calls (via the counting proxy)
 * and samples a server process's memory and CPU — so the counts cover the
 * measured window only, not the warm-up.
 *
 * @example
 * ```ts
 * const { result, calls, usage } = await runMeasured<ThroughputResult>(task, { timeoutMs: 60_000, counts: aws.counts, pid: runtime.frontPid() });
 * ```
 */
export async function runMeasured<R>(
  task: LoadTask,
  options: MeasuredRunOptions,
): Promise<MeasuredRun<R>> {
  let before: AwsCallCounts | undefined;
  let calls: AwsCallCounts | undefined;
  let sampler: ProcessSampler | undefined;
  let usage: ProcessUsage | undefined;
  let probeStart: unknown;
  let probeEnd: unknown;
  const probe = async (): Promise<unknown> => options.probe?.().catch(() => undefined);
  const session = options.session;
  const run = (loadOptions: LoadProcessOptions): Promise<R> =>
    session === undefined
      ? runLoadProcess<R>(task, loadOptions)
      : session.run<R>(task, loadOptions);
  const result = await run({
    timeoutMs: options.timeoutMs,
    onMark: async (name) => {
      if (name === 'measure-start') {
        if (options.pid !== undefined) sampler = ProcessSampler.start(options.pid);
        [before, probeStart] = await Promise.all([options.counts?.(), probe()]);
      } else if (name === 'measure-end') {
        usage = sampler?.stop();
        const [after, end] = await Promise.all([options.counts?.(), probe()]);
        probeEnd = end;
        if (before !== undefined && after !== undefined) calls = diffCounts(after, before);
      }
    },
  });
  const measured: MeasuredRun<R> = { result };
  if (calls !== undefined) measured.calls = calls;
  if (usage !== undefined) measured.usage = usage;
  if (options.probe !== undefined) measured.probes = { start: probeStart, end: probeEnd };
  return measured;
}
