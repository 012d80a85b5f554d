import { z } from 'zod';
import {
  readAwsEnvironment,
  type AwsConfig,
  type ResourceConfig,
} from '../../core/config/aws-config.js';
import { ValidationError } from '../../core/errors/index.js';
import { DEFAULT_AUTH_CACHE_TTL_MS, MAX_AUTH_CACHE_TTL_MS } from '../auth/api-key-authenticator.js';
import {
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_IN_FLIGHT_BATCHES,
  DEFAULT_MAX_PENDING,
} from '../producer/auto-batcher.js';
import { DEFAULT_RETRY_POLICY } from '../producer/full-jitter-backoff.js';
import type { ProducerTunables } from '../producer/channel-producers.js';
import { DEFAULT_STREAM_MAX_IN_FLIGHT } from '../service/submit-jobs-stream.js';
import { DEFAULT_MAX_WATCH_JOBS } from '../service/watch-jobs-stream.js';
import {
  DEFAULT_GRPC_PORT,
  DEFAULT_HEALTH_PORT,
  DEFAULT_KEEPALIVE_TIME_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  type GrpcTunables,
} from '../server/start-front.js';
import { DEFAULT_FAST_INTERVAL_MS, DEFAULT_SLOW_INTERVAL_MS } from '../watch/watch-hub.js';

/** The highest TCP port. */
const MAX_PORT = 65_535;
/** SQS's largest batch since 2025 (1 MiB); the default stays at the classic 256 KiB. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** ECS stops a task 30 s after SIGTERM: the grace must leave room to flush and exit. */
const MAX_SHUTDOWN_GRACE_MS = 20_000;
/** The NLB drops a connection idle for 350 s: keepalive pings must come sooner. */
const MAX_KEEPALIVE_TIME_MS = 340_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** `api-keys`: every call needs `authorization: Bearer <key>`; `open`: every caller is tenant `default`. */
const AUTH_MODES = ['api-keys', 'open'] as const;
/** How callers are authenticated. */
export type AuthMode = (typeof AUTH_MODES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const frontEnvSchema = z
  .object({
    SLUICE_HOST: z.string().min(1).default('0.0.0.0'),
    SLUICE_PORT: int(0, MAX_PORT).default(DEFAULT_GRPC_PORT),
    SLUICE_HEALTH_PORT: int(0, MAX_PORT).default(DEFAULT_HEALTH_PORT),
    SLUICE_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SLUICE_PROTO_DIR: z.string().min(1).optional(),
    SLUICE_AUTH: z.enum(AUTH_MODES).default('api-keys'),
    SLUICE_AUTH_CACHE_TTL_MS: int(0, MAX_AUTH_CACHE_TTL_MS).default(DEFAULT_AUTH_CACHE_TTL_MS),
    SLUICE_TLS_CERT_FILE: z.string().min(1).optional(),
    SLUICE_TLS_KEY_FILE: z.string().min(1).optional(),
    SLUICE_BATCH_LINGER_MS: int(0, 1_000).default(DEFAULT_LINGER_MS),
    SLUICE_BATCH_MAX_BYTES: int(1_024, MAX_BATCH_BYTES).default(DEFAULT_MAX_BATCH_BYTES),
    SLUICE_BATCH_MAX_IN_FLIGHT: int(1, 256).default(DEFAULT_MAX_IN_FLIGHT_BATCHES),
    SLUICE_PRODUCER_MAX_PENDING: int(1, 1_000_000).default(DEFAULT_MAX_PENDING),
    SLUICE_PRODUCER_GIVE_UP_MS: int(100, 120_000).default(DEFAULT_RETRY_POLICY.giveUpAfterMs),
    SLUICE_STREAM_MAX_IN_FLIGHT: int(1, 10_000).default(DEFAULT_STREAM_MAX_IN_FLIGHT),
    SLUICE_WATCH_FAST_INTERVAL_MS: int(1, 10_000).default(DEFAULT_FAST_INTERVAL_MS),
    SLUICE_WATCH_SLOW_INTERVAL_MS: int(1, 60_000).default(DEFAULT_SLOW_INTERVAL_MS),
    SLUICE_WATCH_MAX_JOBS: int(1, 10_000).default(DEFAULT_MAX_WATCH_JOBS),
    SLUICE_SHUTDOWN_GRACE_MS: int(0, MAX_SHUTDOWN_GRACE_MS).default(DEFAULT_SHUTDOWN_GRACE_MS),
    SLUICE_GRPC_KEEPALIVE_TIME_MS: int(10_000, MAX_KEEPALIVE_TIME_MS).default(
      DEFAULT_KEEPALIVE_TIME_MS,
    ),
    SLUICE_GRPC_MAX_CONNECTION_AGE_MS: int(1_000, 86_400_000).optional(),
  })
  .refine((env) => env.SLUICE_WATCH_SLOW_INTERVAL_MS >= env.SLUICE_WATCH_FAST_INTERVAL_MS, {
    path: ['SLUICE_WATCH_SLOW_INTERVAL_MS'],
    message: 'must be at least SLUICE_WATCH_FAST_INTERVAL_MS',
  })
  .refine(
    (env) => (env.SLUICE_TLS_CERT_FILE === undefined) === (env.SLUICE_TLS_KEY_FILE === undefined),
    {
      path: ['SLUICE_TLS_KEY_FILE'],
      message: 'SLUICE_TLS_CERT_FILE and SLUICE_TLS_KEY_FILE go together: set both or neither',
    },
  );

/** Every setting of the front, parsed once from the environment. */
export interface FrontConfig {
  aws: AwsConfig;
  resources: ResourceConfig;
  host: string;
  port: number;
  healthPort: number;
  logLevel: (typeof LOG_LEVELS)[number];
  protoDir: string | undefined;
  /** API keys (the default: a deployed front always wants a key) or open. */
  auth: { mode: AuthMode; cacheTtlMs: number };
  /** PEM files of the certificate (chain) and key to serve TLS with; unset: plaintext. */
  tls: { certFile: string; keyFile: string } | undefined;
  producer: ProducerTunables;
  streamMaxInFlight: number;
  watch: { fastIntervalMs: number; slowIntervalMs: number };
  maxWatchJobs: number;
  shutdownGraceMs: number;
  grpc: Partial<GrpcTunables>;
}

function describeIssues(error: z.ZodError): ValidationError {
  const lines = error.issues.map(
    (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
  );
  const field = error.issues[0]?.path.join('.');
  return new ValidationError(`invalid configuration: ${lines.join('; ')}`, {
    field: field === '' ? undefined : field,
    cause: error,
  });
}

/**
 * Reads and checks the front's settings from the environment once, at start
 * (the names in the README; tunables have the `SLUICE_` prefix). An invalid
 * value throws a `ValidationError` naming every offending variable.
 *
 * @example
 * ```ts
 * const config = readFrontConfig(process.env);
 * ```
 */
export function readFrontConfig(rawEnv: NodeJS.ProcessEnv): FrontConfig {
  // An empty variable means "not set" (as shells and compose files often pass them).
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, value]) => value !== ''));
  const parsed = frontEnvSchema.safeParse(env);
  if (!parsed.success) throw describeIssues(parsed.error);
  let aws: ReturnType<typeof readAwsEnvironment>;
  try {
    aws = readAwsEnvironment(env);
  } catch (error) {
    if (error instanceof z.ZodError) throw describeIssues(error);
    throw error;
  }
  const e = parsed.data;
  return {
    ...aws,
    host: e.SLUICE_HOST,
    port: e.SLUICE_PORT,
    healthPort: e.SLUICE_HEALTH_PORT,
    logLevel: e.SLUICE_LOG_LEVEL,
    protoDir: e.SLUICE_PROTO_DIR,
    auth: { mode: e.SLUICE_AUTH, cacheTtlMs: e.SLUICE_AUTH_CACHE_TTL_MS },
    tls:
      e.SLUICE_TLS_CERT_FILE === undefined || e.SLUICE_TLS_KEY_FILE === undefined
        ? undefined
        : { certFile: e.SLUICE_TLS_CERT_FILE, keyFile: e.SLUICE_TLS_KEY_FILE },
    producer: {
      lingerMs: e.SLUICE_BATCH_LINGER_MS,
      maxBatchBytes: e.SLUICE_BATCH_MAX_BYTES,
      maxInFlightBatches: e.SLUICE_BATCH_MAX_IN_FLIGHT,
      maxPending: e.SLUICE_PRODUCER_MAX_PENDING,
      retry: { giveUpAfterMs: e.SLUICE_PRODUCER_GIVE_UP_MS },
    },
    streamMaxInFlight: e.SLUICE_STREAM_MAX_IN_FLIGHT,
    watch: {
      fastIntervalMs: e.SLUICE_WATCH_FAST_INTERVAL_MS,
      slowIntervalMs: e.SLUICE_WATCH_SLOW_INTERVAL_MS,
    },
    maxWatchJobs: e.SLUICE_WATCH_MAX_JOBS,
    shutdownGraceMs: e.SLUICE_SHUTDOWN_GRACE_MS,
    grpc: {
      keepaliveTimeMs: e.SLUICE_GRPC_KEEPALIVE_TIME_MS,
      maxConnectionAgeMs: e.SLUICE_GRPC_MAX_CONNECTION_AGE_MS,
    },
  };
}
