import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Server, ServerCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { ChannelQueues } from '../../core/aws/queue-directory.js';
import type { Channel } from '../../core/channels/channel-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';
import { createLogger, type Logger } from '../../core/logging/logger.js';
import { DEFAULT_SUBMIT_LIMITS, type SubmitLimits } from '../../core/validation/limits.js';
import { JobServiceService } from '../../proto/gen/ts/sluice/v1/job_service.js';
import type { Authenticator } from '../auth/authenticator.js';
import { OpenAuthenticator } from '../auth/open-authenticator.js';
import { FrontMetrics } from '../metrics/front-metrics.js';
import { ChannelProducers, type ProducerTunables } from '../producer/channel-producers.js';
import { createJobService } from '../service/job-service.js';
import { withStrictRequestDecoding } from '../service/strict-request-decoding.js';
import { DEFAULT_STREAM_MAX_IN_FLIGHT } from '../service/submit-jobs-stream.js';
import { DEFAULT_MAX_WATCH_JOBS } from '../service/watch-jobs-stream.js';
import type { SubmitRateLimiter } from '../limits/submit-rate-limiter.js';
import { TenantRateLimiter } from '../limits/tenant-rate-limiter.js';
import { JobSubmitter } from '../submit/job-submitter.js';
import { ChannelListing } from '../channels/channel-listing.js';
import { JobLister } from '../list/job-lister.js';
import { PageTokenCodec } from '../list/page-token-codec.js';
import { generatePageTokenSecret } from '../list/page-token-secret-store.js';
import { JobRetrier } from '../retry/job-retrier.js';
import { WatchHub } from '../watch/watch-hub.js';
import { startWebServer, type WebServer } from '../web/start-web-server.js';
import { startHttpHealthServer } from './http-health-server.js';
import { findProtoDir, loadServiceDescriptors } from './service-descriptors.js';

/** The gRPC port unless told otherwise. */
export const DEFAULT_GRPC_PORT = 50051;
/** The HTTP health port unless told otherwise. */
export const DEFAULT_HEALTH_PORT = 8080;
/** The gRPC service name the health service reports besides the overall "". */
export const JOB_SERVICE_NAME = 'sluice.v1.JobService';
/** Ping idle connections every 5 minutes: below the NLB's 350 s idle timeout. */
export const DEFAULT_KEEPALIVE_TIME_MS = 300_000;
/** How long a keepalive ping may go unanswered before the connection is dropped. */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;
/**
 * The largest request message accepted: a valid submit is at most ≈ 200 KiB
 * (payload ≤ 180 KiB plus its fields; a bulk item is one message), so more
 * would only let a client make the front buffer junk. Bigger: RESOURCE_EXHAUSTED.
 */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 1024 * 1024;
/** HTTP/2 streams (calls) in progress per connection; a client queues more until one ends. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 128;
/** Submits per second per tenant, per front: a safety net, above one front's throughput here. */
export const DEFAULT_SUBMIT_RATE_PER_TENANT = 5_000;
/** Submits a tenant may make at once after being idle. */
export const DEFAULT_SUBMIT_BURST_PER_TENANT = 10_000;
/** The largest response message sent (a job snapshot with its result). */
export const DEFAULT_MAX_SEND_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How long shutdown lets calls in progress finish before cancelling them (ECS stops at 30 s). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;

/** gRPC transport settings. */
export interface GrpcTunables {
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  /** Close connections after this age (GOAWAY) so clients rebalance after a scale-out; unset: never. */
  maxConnectionAgeMs?: number;
  /**
   * After that GOAWAY, calls in progress may finish for this long before the
   * connection is closed under them; unset: as long as they take.
   */
  maxConnectionAgeGraceMs?: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: calls in progress per connection. */
  maxConcurrentStreams: number;
}

/** A per-tenant token bucket for submits (see `TenantRateLimiter`). */
export interface SubmitRate {
  ratePerSecond: number;
  burst: number;
}

/** A certificate (chain) and its private key, PEM: the front then serves TLS only. */
export interface FrontTls {
  certChain: Buffer;
  privateKey: Buffer;
}

/** Options of `startFront`. Only the AWS dependencies are required. */
export interface FrontOptions {
  sqs: SQSClient;
  table: JobsTable;
  /** Each channel's queues (`resolveChannelQueues`). */
  queues: ReadonlyMap<string, ChannelQueues>;
  channels?: readonly Channel[];
  /** Default `0.0.0.0`. */
  host?: string;
  /** gRPC port; 0 picks a free one. Default `DEFAULT_GRPC_PORT` (50051). */
  port?: number;
  /** HTTP health port; 0 picks a free one. Default `DEFAULT_HEALTH_PORT` (8080). */
  healthPort?: number;
  /** Web port (dashboard and browser API, see `startWebServer`); 0 picks a free one; unset: none. */
  webPort?: number;
  /** The dashboard's built files (`findWebRoot`); unset: the browser API only. */
  webRoot?: string;
  /** Foreign origins allowed to call the browser API (CORS); default none. */
  webAllowedOrigins?: readonly string[];
  limits?: SubmitLimits;
  /** Per-tenant submit rate on this front (a `TenantRateLimiter`); unset: unlimited. */
  submitRate?: SubmitRate;
  /** A submit rate limiter to use instead of `submitRate`'s (`LeasedRateLimiter`: per deployment). */
  submitLimiter?: SubmitRateLimiter;
  authenticator?: Authenticator;
  producer?: ProducerTunables;
  watch?: { fastIntervalMs?: number; slowIntervalMs?: number };
  /** Items in progress per SubmitJobs stream. */
  streamMaxInFlight?: number;
  /** Jobs per WatchJobs call. */
  maxWatchJobs?: number;
  grpc?: Partial<GrpcTunables>;
  /** Serve gRPC over TLS with this certificate; unset: plaintext (TLS ends at the load balancer). */
  tls?: FrontTls;
  shutdownGraceMs?: number;
  /** Where `sluice/v1/job_service.proto` is (found automatically when unset). */
  protoDir?: string;
  /**
   * The key of ListJobs page-token MACs, the same on every front of a
   * deployment (`container/main.ts` passes `SLUICE_PAGE_TOKEN_SECRET` or the
   * keys table's, `PageTokenSecretStore`); unset: a random key of this front
   * alone, whose tokens no other front (or restart) accepts.
   */
  pageTokenSecret?: string;
  /**
   * The DynamoDB client under `table`, so its calls are in the metrics
   * (`sluice_aws_call_*`); unset: only the SQS calls are.
   */
  dynamodb?: DynamoDBClient;
  /** The front's metrics (served at `/metrics`); default a new `FrontMetrics` of `channels`. */
  metrics?: FrontMetrics;
  nextJobId?: () => string;
  now?: () => number;
  logger?: Logger;
}

/** A running front. */
export interface RunningFront {
  /** The bound gRPC port (the real one when 0 was asked for). */
  readonly grpcPort: number;
  /** The bound HTTP health port. */
  readonly healthPort: number;
  /** The bound web port; undefined when none was asked for. */
  readonly webPort: number | undefined;
  readonly producers: ChannelProducers;
  readonly watchHub: WatchHub;
  /** Whether the front reports SERVING. */
  readonly serving: boolean;
  /** Its metrics (Prometheus text at `/metrics` on the health port). */
  readonly metrics: FrontMetrics;
  /**
   * Drains and stops (idempotent): health NOT_SERVING, no new calls,
   * SubmitJobs streams stop reading and finish their items, watch streams
   * end UNAVAILABLE, calls in progress get `shutdownGraceMs`, the producers
   * flush. The AWS clients are the caller's to close.
   */
  shutdown(): Promise<void>;
}

function channelOptions(tunables: Partial<GrpcTunables> | undefined): ChannelOptions {
  const options: ChannelOptions = {
    'grpc.keepalive_time_ms': tunables?.keepaliveTimeMs ?? DEFAULT_KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': tunables?.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
    'grpc.max_receive_message_length':
      tunables?.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': tunables?.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES,
    'grpc.max_concurrent_streams': tunables?.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
  };
  if (tunables?.maxConnectionAgeMs !== undefined) {
    options['grpc.max_connection_age_ms'] = tunables.maxConnectionAgeMs;
  }
  if (tunables?.maxConnectionAgeGraceMs !== undefined) {
    options['grpc.max_connection_age_grace_ms'] = tunables.maxConnectionAgeGraceMs;
  }
  return options;
}

function bindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function serverCredentials(tls: FrontTls | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    null,
    [{ cert_chain: tls.certChain, private_key: tls.privateKey }],
    false,
  );
}

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) =>
      error === null ? resolve(port) : reject(error),
    );
  });
}

/** Lets calls in progress finish for `graceMs`, then cancels what is left. */
function drainServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts the gRPC front: the JobService (submit path through one
 * auto-batching producer per channel queue, watch hub), `grpc.health.v1.Health`
 * and server reflection on `host:port`, plus the plain HTTP health endpoint.
 * Transport: keepalive below the NLB idle timeout, bounded message sizes
 * and concurrent streams per connection; optionally TLS and a per-tenant
 * submit rate.
 *
 * @example
 * ```ts
 * const front = await startFront({ sqs, table, queues, host: '127.0.0.1', port: 0, healthPort: 0 });
 * console.log(front.grpcPort);
 * await front.shutdown();
 * ```
 */
export async function startFront(options: FrontOptions): Promise<RunningFront> {
  const logger = options.logger ?? createLogger('front');
  const host = options.host ?? '0.0.0.0';
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const descriptors = loadServiceDescriptors(findProtoDir(options.protoDir));

  const channels = options.channels ?? CHANNELS;
  const limits = options.limits ?? DEFAULT_SUBMIT_LIMITS;
  const producers = new ChannelProducers({
    sqs: options.sqs,
    queues: options.queues,
    tunables: options.producer,
    logger: logger.child({ part: 'producer' }),
  });
  const watchHub = new WatchHub({
    table: options.table,
    ...options.watch,
    logger: logger.child({ part: 'watch-hub' }),
  });
  const metrics = options.metrics ?? new FrontMetrics({ channels });
  metrics.instrumentAwsClient(options.sqs, 'SQS', options.queues);
  if (options.dynamodb !== undefined) metrics.instrumentAwsClient(options.dynamodb, 'DynamoDB');
  metrics.track({ producer: () => producers.metrics, watch: () => watchHub.metrics });
  const submitter = new JobSubmitter({
    table: options.table,
    producers,
    channels,
    limits,
    nextJobId: options.nextJobId,
    now: options.now,
  });
  const shutdownController = new AbortController();
  const health = new HealthImplementation({ '': 'NOT_SERVING', [JOB_SERVICE_NAME]: 'NOT_SERVING' });
  let serving = false;
  const setServing = (value: boolean): void => {
    serving = value;
    const status = value ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    health.setStatus(JOB_SERVICE_NAME, status);
  };

  const server = new Server(channelOptions(options.grpc));
  const definition = withStrictRequestDecoding(JobServiceService, descriptors);
  const implementation = createJobService({
    submitter,
    producers,
    table: options.table,
    watchHub,
    lister: new JobLister({
      table: options.table,
      channels,
      tokens: new PageTokenCodec({
        secret: options.pageTokenSecret ?? generatePageTokenSecret(),
      }),
    }),
    retrier: new JobRetrier({ table: options.table, submitter }),
    channelListing: new ChannelListing({ sqs: options.sqs, channels, queues: options.queues }),
    channels,
    limits,
    authenticator: options.authenticator ?? new OpenAuthenticator(),
    shutdown: shutdownController.signal,
    streamMaxInFlight: options.streamMaxInFlight ?? DEFAULT_STREAM_MAX_IN_FLIGHT,
    maxWatchJobs: options.maxWatchJobs ?? DEFAULT_MAX_WATCH_JOBS,
    submitLimiter:
      options.submitLimiter ??
      (options.submitRate === undefined ? undefined : new TenantRateLimiter(options.submitRate)),
    metrics,
    logger,
  });
  server.addService(definition, implementation);
  health.addToServer(server);
  new ReflectionService(descriptors).addToServer(server);

  const grpcPort = await bind(
    server,
    bindAddress(host, options.port ?? DEFAULT_GRPC_PORT),
    serverCredentials(options.tls),
  );
  const httpHealth = await startHttpHealthServer({
    host,
    port: options.healthPort ?? DEFAULT_HEALTH_PORT,
    isServing: () => serving,
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.text(),
    }),
  }).catch((error: unknown) => {
    server.forceShutdown();
    throw error;
  });
  let web: WebServer | undefined;
  if (options.webPort !== undefined) {
    web = await startWebServer({
      host,
      port: options.webPort,
      definition,
      implementation,
      webRoot: options.webRoot,
      allowedOrigins: options.webAllowedOrigins,
      tls: options.tls,
      logger: logger.child({ part: 'web' }),
    }).catch(async (error: unknown) => {
      server.forceShutdown();
      await httpHealth.close();
      throw error;
    });
  }
  setServing(true);
  logger.info(
    {
      host,
      grpcPort,
      healthPort: httpHealth.port,
      webPort: web?.port,
      tls: options.tls !== undefined,
    },
    'front serving',
  );

  let stopping: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    const started = Date.now();
    logger.info({ graceMs }, 'front draining');
    setServing(false);
    shutdownController.abort();
    watchHub.close();
    // Partial batches go out now rather than after their linger, while calls finish.
    await Promise.all([drainServer(server, graceMs), producers.flush()]);
    await producers.close();
    await Promise.all([httpHealth.close(), web?.close()]);
    logger.info({ durationMs: Date.now() - started }, 'front stopped');
  };

  return {
    grpcPort,
    healthPort: httpHealth.port,
    webPort: web?.port,
    producers,
    watchHub,
    get serving() {
      return serving;
    },
    metrics,
    shutdown: () => {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
