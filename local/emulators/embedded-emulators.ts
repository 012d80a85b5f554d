import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from '../process/managed-process.js';

/** The embedded SQS and DynamoDB emulators, each in its own process on 127.0.0.1. */
export interface EmbeddedEmulators {
  sqsEndpoint: string;
  dynamoEndpoint: string;
  processes: readonly ManagedProcess[];
  /** Stops both emulators (by pid). */
  stop(): Promise<void>;
}

const script = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Starts fauxqs (SQS) and dynalite (DynamoDB) as child processes on free
 * loopback ports (or the given ones).
 *
 * @example
 * ```ts
 * const emulators = await startEmbeddedEmulators();
 * process.env.AWS_ENDPOINT_URL_SQS = emulators.sqsEndpoint;
 * await emulators.stop();
 * ```
 */
export async function startEmbeddedEmulators(
  ports: { sqs?: number; dynamo?: number } = {},
): Promise<EmbeddedEmulators> {
  const [sqs, dynamo] = await Promise.all([
    startManagedProcess({
      name: 'sqs-emulator',
      nodeArgs: [script('sqs-emulator.mjs'), String(ports.sqs ?? 0)],
    }),
    startManagedProcess({
      name: 'dynamo-emulator',
      nodeArgs: [script('dynamo-emulator.mjs'), String(ports.dynamo ?? 0)],
    }),
  ]);
  return {
    sqsEndpoint: `http://127.0.0.1:${String(sqs.ready.port)}`,
    dynamoEndpoint: `http://127.0.0.1:${String(dynamo.ready.port)}`,
    processes: [sqs, dynamo],
    stop: async () => {
      await Promise.all([sqs.stop(), dynamo.stop()]);
    },
  };
}
