import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFront } from '../../container/build/bundle-front.js';
import type { ResourceConfig } from '../../core/config/aws-config.js';
import { startManagedProcess, type ManagedProcess } from '../../local/process/managed-process.js';

/** The bundled front must be serving within this long. */
const READY_TIMEOUT_MS = 30_000;

/** The front as the container image runs it, on loopback. */
export interface BundledFront {
  /** `127.0.0.1:<port>` of its gRPC server. */
  readonly address: string;
  /** Its HTTP health port (`/metrics` too). */
  readonly healthPort: number;
  readonly process: ManagedProcess;
  /** Stops it (by pid) and removes the bundle. */
  stop(): Promise<void>;
}

/** Options of `startBundledFront`. */
export interface BundledFrontOptions {
  awsEndpoint: string;
  resources: ResourceConfig;
  log: (line: string) => void;
  /** Overrides of its environment (e.g. `SLUICE_AUTH: 'api-keys'`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the front's esbuild bundle (what `container/Dockerfile` copies into
 * the image) into a temporary directory and runs it the way the image does —
 * `node main.mjs`, no tsx — against the given AWS
 * endpoint, so memory figures are the deployed front's, not the dev loader's.
 *
 * @example
 * ```ts
 * const front = await startBundledFront({ awsEndpoint: aws.endpoint, resources, log: console.error });
 * await front.stop();
 * ```
 */
export async function startBundledFront(options: BundledFrontOptions): Promise<BundledFront> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-front-'));
  try {
    const entry = await bundleFront({ outDir: dir });
    const front = await startManagedProcess({
      name: 'bundled-front',
      nodeArgs: [entry],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: options.awsEndpoint,
        SLUICE_TABLE_NAME: options.resources.tableName,
        SLUICE_QUEUE_PREFIX: options.resources.queuePrefix,
        SLUICE_HOST: '127.0.0.1',
        SLUICE_PORT: '0',
        SLUICE_HEALTH_PORT: '0',
        SLUICE_WEB_PORT: '0',
        SLUICE_LOG_LEVEL: 'warn',
        // The deployed default is api-keys; the benchmarks measure the open local setup.
        SLUICE_AUTH: 'open',
        SLUICE_PROTO_DIR: join(dir, 'proto'),
        ...options.env,
      },
      readyTimeoutMs: READY_TIMEOUT_MS,
      onOutput: (line) => options.log(`[bundled-front] ${line}`),
    });
    return {
      address: `127.0.0.1:${String(front.ready.grpcPort)}`,
      healthPort: Number(front.ready.healthPort),
      process: front,
      stop: async () => {
        await front.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
