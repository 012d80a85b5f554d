import { findChannel } from '../../core/channels/channel-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { BENCH_CHANNEL } from '../load/bench-job.js';
import type { AwsCallCounts } from '../aws/aws-call-counts.js';
import type { MeasuredRun } from '../framework/measured-run.js';
import type { ProcessUsage } from '../framework/process-sampler.js';

const MS_PER_SECOND = 1000;

/** The calls counted during a measured run; a run without them cannot be judged. */
export function requireCalls<R>(run: MeasuredRun<R>, what: string): AwsCallCounts {
  if (run.calls === undefined) throw new Error(`${what}: no AWS call counts were taken`);
  return run.calls;
}

/** The usage sampled during a measured run. */
export function requireUsage<R>(run: MeasuredRun<R>, what: string): ProcessUsage {
  if (run.usage === undefined) throw new Error(`${what}: the server process was not sampled`);
  return run.usage;
}

/** `count ÷ jobs`, 0 when there were no jobs. */
export function perJob(count: number, jobs: number): number {
  return jobs > 0 ? count / jobs : 0;
}

/** CPU milliseconds per job of a sampled process. */
export function cpuMsPerJob(usage: ProcessUsage, jobs: number): number {
  return perJob(usage.cpuSeconds * MS_PER_SECOND, jobs);
}

/** A compact view of the counted calls for the JSON details: calls and units per operation. */
export function callSummary(calls: AwsCallCounts, jobs: number): Record<string, unknown> {
  const operations = Object.fromEntries(
    Object.entries(calls.operations).map(([key, op]) => [
      key,
      {
        calls: op.calls,
        callsPerJob: perJob(op.calls, jobs),
        entries: op.entries,
        errors: op.errors,
        billableRequests: op.billableRequests,
        readUnits: op.readUnits,
        writeUnits: op.writeUnits,
      },
    ]),
  );
  return { jobs, operations, lambda: calls.lambda };
}

/** The configured memory of the benchmark channel's consumer function (priced as Lambda). */
export function benchChannelMemoryMb(): number {
  const channel = findChannel(CHANNELS, BENCH_CHANNEL);
  if (channel === undefined) throw new Error(`channel ${BENCH_CHANNEL} is not configured`);
  return channel.memoryMb;
}
