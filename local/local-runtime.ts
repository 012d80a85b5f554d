import { fileURLToPath } from 'node:url';
import type { Channel } from '../core/channels/channel-config.js';
import { CHANNELS } from '../core/channels/channels.js';
import { keysTableNameOf, type AwsConfig, type ResourceConfig } from '../core/config/aws-config.js';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../core/aws/aws-clients.js';
import { resolveChannelQueues, type ChannelQueues } from '../core/aws/queue-directory.js';
import { DEFAULT_LIST_SHARDS } from '../core/jobs/job-indexes.js';
import { JobsTable } from '../core/jobs/jobs-table.js';
import type { Logger } from '../core/logging/logger.js';
import { startEmbeddedEmulators, type EmbeddedEmulators } from './emulators/embedded-emulators.js';
import { startManagedProcess, type ManagedProcess } from './process/managed-process.js';
import { provisionResources } from './provision/provision-resources.js';
import type { ConsumerTunables } from '../functions/consumer/consumer-tunables.js';
import type { JobMetricsSink } from '../functions/consumer/job-metrics.js';
import type { ProcessorRegistry } from '../functions/processors/processor.js';
import { createChannelHandlers } from './runner/channel-handlers.js';
import type { EventSourceMetrics } from './runner/event-source-metrics.js';
import {
  startEventSourceRunner,
  type EventSourceRunner,
} from './runner/start-event-source-runner.js';

/** The gRPC port of `npm start` unless `SLUICE_PORT` says otherwise. */
export const DEFAULT_LOCAL_PORT = 50051;
/** The web port (dashboard) of `npm start` unless `SLUICE_WEB_PORT` says otherwise. */
export const DEFAULT_LOCAL_WEB_PORT = 50052;
const FRONT_ENTRYPOINT = fileURLToPath(new URL('../container/main.ts', import.meta.url));

/** Options of `startLocalRuntime`. */
export interface LocalRuntimeOptions {
  /** gRPC port of the front (0: any free port). */
  port?: number;
  /** HTTP health port of the front (0: any free port). */
  healthPort?: number;
  /** Web port of the front: dashboard and browser API (0, the default: any free port). */
  webPort?: number;
  /**
   * An external AWS-compatible endpoint (LocalStack). Unset: the embedded
   * emulators are started.
   */
  awsEndpoint?: string;
  region?: string;
  channels?: readonly Channel[];
  resources?: ResourceConfig;
  /** Shorter queue visibility timeouts make crash tests fast. */
  visibilityTimeoutSeconds?: number;
  /** Run the event-source runner and consumers (default true). */
  consumers?: boolean;
  /** Processors the consumers run (default: the deployment's `PROCESSORS`). */
  processors?: ProcessorRegistry;
  /** Consumer tunables (retry delays, heartbeat, progress throttle). */
  consumerTunables?: Partial<ConsumerTunables>;
  /** Extra environment for the front process (its tunables; `SLUICE_AUTH` defaults to `open`). */
  frontEnv?: NodeJS.ProcessEnv;
  /**
   * Where the consumers' metric lines go, in CloudWatch EMF as on Lambda
   * (default: dropped).
   */
  onJobMetrics?: JobMetricsSink;
  /** Where child output lines go (default: dropped). */
  onOutput?: (line: string) => void;
  logger: Logger;
}

/** A whole Sluice on one machine. */
export interface LocalRuntime {
  /** `127.0.0.1:<port>` of the gRPC front. */
  readonly endpoint: string;
  readonly grpcPort: number;
  readonly healthPort: number;
  /** The front's web port (dashboard, Connect and gRPC-Web). */
  readonly webPort: number;
  /** Always with a region: the local runtime chooses its own for the emulators. */
  readonly aws: AwsConfig & { region: string };
  readonly resources: ResourceConfig;
  readonly clients: AwsClients;
  readonly table: JobsTable;
  readonly queues: ReadonlyMap<string, ChannelQueues>;
  /** The front's process id (changes on restart). */
  frontPid(): number;
  /** The event-source runner's counters per queue (empty without consumers). */
  consumerMetrics(): EventSourceMetrics[];
  /** SIGKILLs the front, as a crash would. */
  killFront(): Promise<void>;
  /**
   * Stops the front gracefully (SIGTERM, then SIGKILL after `graceMs`, as
   * ECS does after its stop timeout) and resolves with its exit code, or the
   * signal that ended it.
   */
  stopFront(graceMs?: number): Promise<number | NodeJS.Signals>;
  /** Starts the front again on the same port. */
  startFront(): Promise<void>;
  /** Stops everything: front, consumers, emulators. */
  stop(): Promise<void>;
}

/**
 * Runs Sluice on one machine: the embedded SQS and DynamoDB emulators (or an
 * external endpoint such as LocalStack), the queues and table created from the
 * channel config, the gRPC front as its own process, and the event-source
 * runner invoking the same consumer handlers Lambda would.
 *
 * @example
 * ```ts
 * const runtime = await startLocalRuntime({ port: 0, logger });
 * console.log(`gRPC on ${runtime.endpoint}`);
 * await runtime.stop();
 * ```
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const channels = options.channels ?? CHANNELS;
  const resources = options.resources ?? { tableName: 'sluice-jobs', queuePrefix: 'sluice' };
  const region = options.region ?? 'us-east-1';
  let emulators: EmbeddedEmulators | undefined;
  const aws: AwsConfig & { region: string } =
    options.awsEndpoint === undefined
      ? await (async () => {
          emulators = await startEmbeddedEmulators();
          return {
            region,
            sqsEndpoint: emulators.sqsEndpoint,
            dynamoEndpoint: emulators.dynamoEndpoint,
          };
        })()
      : { region, endpoint: options.awsEndpoint };

  // One value for the front and the local consumers: both write index shards.
  const listShards = resources.listShards ?? DEFAULT_LIST_SHARDS;
  const clients = createAwsClients(aws);
  await provisionResources(clients, channels, resources, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  const queues = await resolveChannelQueues(clients.sqs, channels, resources.queuePrefix);
  const table = new JobsTable({
    client: clients.documents,
    tableName: resources.tableName,
    listShards,
  });

  const frontEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // The local runtime is open unless told otherwise (`npm start -- --auth`).
    SLUICE_AUTH:
      process.env.SLUICE_AUTH === undefined || process.env.SLUICE_AUTH === ''
        ? 'open'
        : process.env.SLUICE_AUTH,
    AWS_REGION: region,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    SLUICE_TABLE_NAME: resources.tableName,
    SLUICE_KEYS_TABLE_NAME: keysTableNameOf(resources),
    SLUICE_QUEUE_PREFIX: resources.queuePrefix,
    SLUICE_LIST_SHARDS: String(listShards),
    SLUICE_HOST: '127.0.0.1',
    ...options.frontEnv,
  };
  for (const key of Object.keys(frontEnv)) if (frontEnv[key] === undefined) delete frontEnv[key];

  let grpcPort = options.port ?? DEFAULT_LOCAL_PORT;
  let healthPort = options.healthPort ?? 0;
  let webPort = options.webPort ?? 0;
  const launchFront = async (): Promise<ManagedProcess> => {
    const front = await startManagedProcess({
      name: 'front',
      nodeArgs: ['--import', 'tsx', FRONT_ENTRYPOINT],
      env: {
        ...frontEnv,
        SLUICE_PORT: String(grpcPort),
        SLUICE_HEALTH_PORT: String(healthPort),
        SLUICE_WEB_PORT: String(webPort),
      },
      onOutput: options.onOutput,
    });
    // Keep the ports across restarts, so clients reconnect to the same address.
    grpcPort = Number(front.ready.grpcPort);
    healthPort = Number(front.ready.healthPort);
    webPort = Number(front.ready.webPort);
    return front;
  };
  let front: ManagedProcess | undefined = await launchFront();

  let consumers: EventSourceRunner | undefined;
  if (options.consumers !== false) {
    try {
      consumers = await startEventSourceRunner({
        sqs: clients.sqs,
        region,
        channels: queues,
        logger: options.logger,
        handlers: createChannelHandlers({
          sqs: clients.sqs,
          table,
          logger: options.logger,
          processors: options.processors,
          tunables: options.consumerTunables,
          metrics: options.onJobMetrics,
        }),
      });
    } catch (error) {
      await front.stop();
      destroyAwsClients(clients);
      await emulators?.stop();
      throw error;
    }
  }

  const requireFront = (): ManagedProcess => {
    if (front === undefined) throw new Error('the front is not running');
    return front;
  };
  return {
    get endpoint() {
      return `127.0.0.1:${grpcPort}`;
    },
    get grpcPort() {
      return grpcPort;
    },
    get healthPort() {
      return healthPort;
    },
    get webPort() {
      return webPort;
    },
    aws,
    resources,
    clients,
    table,
    queues,
    frontPid: () => requireFront().pid,
    consumerMetrics: () => consumers?.metrics() ?? [],
    killFront: async () => {
      await requireFront().kill();
      front = undefined;
    },
    stopFront: async (graceMs) => {
      const code = await requireFront().stop(graceMs);
      front = undefined;
      return code;
    },
    startFront: async () => {
      if (front !== undefined) throw new Error('the front is already running');
      front = await launchFront();
    },
    stop: async () => {
      await Promise.all([front?.stop(), consumers?.stop()]);
      front = undefined;
      destroyAwsClients(clients);
      await emulators?.stop();
    },
  };
}
