import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '../../core/aws/aws-clients.js';
import { JobsTable } from '../../core/jobs/jobs-table.js';
import type { LocalRuntimeOptions } from '../../local/local-runtime.js';
import {
  startEmbeddedEmulators,
  type EmbeddedEmulators,
} from '../../local/emulators/embedded-emulators.js';
import { startTestSystem, type TestSystem } from './test-runtime.js';
import { FORWARD_ALL } from '../../local/aws-proxy/aws-faults.js';
import { startAwsProxy, type AwsProxy } from '../../local/aws-proxy/aws-proxy.js';

/** A test system whose AWS calls pass through a fault proxy, and clients that bypass it. */
export interface ProxiedTestSystem {
  readonly system: TestSystem;
  /** Between the system (front, consumers) and the emulators: `setPlan` to inject faults. */
  readonly proxy: AwsProxy;
  /** Clients straight to the emulators: what a test checks with never goes through the faults. */
  readonly direct: AwsClients;
  /** The jobs table, read straight from the emulator. */
  readonly directTable: JobsTable;
  readonly emulators: EmbeddedEmulators;
  stop(): Promise<void>;
}

/**
 * Starts the emulators, a fault proxy in front of them (forwarding every
 * call until told otherwise) and a whole Sluice that talks to AWS only
 * through that proxy: for tests that delay, stall or fail the system's own
 * calls while they observe the emulators directly.
 *
 * @example
 * ```ts
 * const bed = await startProxiedTestSystem({ consumers: false });
 * bed.proxy.setPlan(({ action }) => (action === 'PutItem' ? { kind: 'forward', delayMs: 500 } : { kind: 'forward' }));
 * const record = await bed.directTable.get({ tenant: 'default', jobId });
 * await bed.stop();
 * ```
 */
export async function startProxiedTestSystem(
  options: Partial<LocalRuntimeOptions> = {},
): Promise<ProxiedTestSystem> {
  const emulators = await startEmbeddedEmulators();
  const proxy = await startAwsProxy({
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.dynamoEndpoint,
    plan: FORWARD_ALL,
  });
  let system: TestSystem;
  try {
    system = await startTestSystem({ ...options, awsEndpoint: proxy.endpoint });
  } catch (error) {
    await proxy.close();
    await emulators.stop();
    throw error;
  }
  const direct = createAwsClients({
    region: system.runtime.aws.region,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
  });
  const directTable = new JobsTable({
    client: direct.documents,
    tableName: system.runtime.resources.tableName,
  });
  return {
    system,
    proxy,
    direct,
    directTable,
    emulators,
    stop: async () => {
      await system.stop();
      await proxy.close();
      destroyAwsClients(direct);
      await emulators.stop();
    },
  };
}
