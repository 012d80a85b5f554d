import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import type { ManagedProcess } from '../../local/process/managed-process.js';
import { REPORT_PATH, type AwsProxyReport } from '../../local/aws-proxy/aws-proxy.js';
import { diffCounts, type AwsCallCounts } from '../aws/aws-call-counts.js';
import { startBenchProcess } from './bench-process.js';

/** The embedded emulators behind one counting proxy. */
export interface CountedEmulators {
  /** The proxy: the one AWS endpoint every client in a scenario uses. */
  readonly endpoint: string;
  readonly emulators: EmbeddedEmulators;
  readonly proxy: ManagedProcess;
  /** Cumulative call counts since the proxy started. */
  counts(this: void): Promise<AwsCallCounts>;
  /** Stops the proxy and both emulators (by pid). */
  stop(): Promise<void>;
}

/**
 * Starts fauxqs and dynalite (each its own process) and a counting proxy in
 * front of them (local/aws-proxy with the bench's CallCountingObserver), so every AWS call a scenario makes — the front's, the
 * consumers', a baseline's — is counted on the emulators' side.
 *
 * @example
 * ```ts
 * const aws = await startCountedEmulators();
 * const before = await aws.counts();
 * // ... point clients at aws.endpoint and run load ...
 * const calls = diffCounts(await aws.counts(), before);
 * await aws.stop();
 * ```
 */
export async function startCountedEmulators(): Promise<CountedEmulators> {
  const emulators = await startEmbeddedEmulators();
  let proxy: ManagedProcess;
  try {
    proxy = await startBenchProcess('aws-proxy', 'aws/call-counting-proxy-main.ts', {
      BENCH_SQS_UPSTREAM: emulators.sqsEndpoint,
      BENCH_DYNAMO_UPSTREAM: emulators.dynamoEndpoint,
    });
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${String(proxy.ready.port)}`;
  const counts = async (): Promise<AwsCallCounts> => {
    const response = await fetch(`${endpoint}${REPORT_PATH}`);
    const report = (await response.json()) as AwsProxyReport;
    return report.observed as AwsCallCounts;
  };
  return {
    endpoint,
    emulators,
    proxy,
    counts,
    stop: async () => {
      await proxy.stop();
      await emulators.stop();
    },
  };
}

/**
 * Measures the AWS calls made while `work` runs.
 *
 * @example
 * ```ts
 * const { value, calls } = await countCalls(aws, () => runLoad());
 * ```
 */
export async function countCalls<T>(
  aws: Pick<CountedEmulators, 'counts'>,
  work: () => Promise<T>,
): Promise<{ value: T; calls: AwsCallCounts }> {
  const before = await aws.counts();
  const value = await work();
  return { value, calls: diffCounts(await aws.counts(), before) };
}
