import { createLogger } from '../../core/logging/logger.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../local/local-runtime.js';
import { GrpcTestClient } from './grpc-test-client.js';

/** A local runtime on free ports plus a client connected to it. */
export interface TestSystem {
  runtime: LocalRuntime;
  client: GrpcTestClient;
  stop(): Promise<void>;
}

/**
 * Starts a whole Sluice for one test file (emulators, front process,
 * consumers), on free loopback ports, with logs silenced unless
 * `SLUICE_TEST_LOGS=1`.
 */
export async function startTestSystem(
  options: Partial<LocalRuntimeOptions> = {},
): Promise<TestSystem> {
  const verbose = process.env.SLUICE_TEST_LOGS === '1';
  const runtime = await startLocalRuntime({
    port: 0,
    healthPort: 0,
    logger: createLogger('test', verbose ? 'info' : 'silent'),
    onOutput: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    ...options,
    frontEnv: { SLUICE_LOG_LEVEL: verbose ? 'info' : 'silent', ...options.frontEnv },
  });
  const client = new GrpcTestClient(runtime.endpoint);
  return {
    runtime,
    client,
    stop: async () => {
      client.close();
      await runtime.stop();
    },
  };
}
