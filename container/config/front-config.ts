import { DEFAULT_WEB_PORT } from '../web/start-web-server.js';
import { z } from 'zod';
import {
  readAwsEnvironment,
  type AwsConfig,
  type ResourceConfig,
} from '../../core/config/aws-config.js';
import { CHANNELS } from '../../core/channels/channels.js';
import { ValidationError } from '../../core/errors/index.js';
import { DEFAULT_SUBMIT_LIMITS, type SubmitLimits } from '../../core/validation/limits.js';
import { DEFAULT_AUTH_CACHE_TTL_MS, MAX_AUTH_CACHE_TTL_MS } from '../auth/api-key-authenticator.js';
import {
  DEFAULT_IDLE_LINGER_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_MAX_IN_FLIGHT_BATCHES,
  DEFAULT_MAX_PENDING,
} from '../producer/auto-batcher.js';
import { DEFAULT_RETRY_POLICY } from '../producer/retry-policy.js';
import type { ProducerTunables } from '../producer/channel-producers.js';
import { DEFAULT_STREAM_MAX_IN_FLIGHT } from '../service/submit-jobs-stream.js';
import { DEFAULT_MAX_WATCH_JOBS } from '../service/watch-jobs-stream.js';
import {
  DEFAULT_GRPC_PORT,
  DEFAULT_HEALTH_PORT,
  DEFAULT_KEEPALIVE_TIME_MS,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_SUBMIT_BURST_PER_TENANT,
  DEFAULT_SUBMIT_RATE_PER_TENANT,
  type GrpcTunables,
  type SubmitRate,
} from '../server/start-front.js';
import { DEFAULT_FAST_INTERVAL_MS, DEFAULT_SLOW_INTERVAL_MS } from '../watch/watch-hub.js';
import {
  envelopeOverheadBytes,
  maxPayloadBytes,
  SQS_MAX_MESSAGE_BYTES,
} from './envelope-budget.js';

/** The highest TCP port. */
const MAX_PORT = 65_535;
/** SQS's largest batch since 2025 (1 MiB); the default stays at the classic 256 KiB. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** ECS stops a task 30 s after SIGTERM: the grace must leave room to flush and exit. */
const MAX_SHUTDOWN_GRACE_MS = 20_000;
/** The NLB drops a connection idle for 350 s: keepalive pings must come sooner. */
const MAX_KEEPALIVE_TIME_MS = 340_000;
/** Bounds of the gRPC receive limit: room for any valid request, and no more than 16 MiB. */
const MIN_RECEIVE_MESSAGE_BYTES = 64 * 1024;
const MAX_RECEIVE_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Bounds of the attribute limits (each raises the envelope overhead, see envelope-budget.ts). */
const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_KEY_LENGTH = 128;
const MAX_ATTRIBUTE_VALUE_LENGTH = 4_096;
const MAX_CONCURRENT_STREAMS = 10_000;
/** Bounds of the connection age (and its grace): a second to a day. */
const MIN_CONNECTION_AGE_MS = 1_000;
const MAX_CONNECTION_AGE_MS = 86_400_000;
const MAX_SUBMIT_RATE = 1_000_000;
/** A page-token secret shorter than this is a typo, not a key. */
const MIN_PAGE_TOKEN_SECRET_LENGTH = 16;
/** Without an explicit burst, a tenant may burst to two seconds' worth of its rate. */
const DEFAULT_BURST_SECONDS = 2;
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
    SLUICE_WEB_PORT: int(0, MAX_PORT).default(DEFAULT_WEB_PORT),
    SLUICE_WEB_ROOT: z.string().min(1).optional(),
    // Comma-separated origins (https://ops.example.com) besides the front's own.
    SLUICE_WEB_ALLOWED_ORIGINS: z.string().default(''),
    SLUICE_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SLUICE_PROTO_DIR: z.string().min(1).optional(),
    SLUICE_AUTH: z.enum(AUTH_MODES).default('api-keys'),
    SLUICE_AUTH_CACHE_TTL_MS: int(0, MAX_AUTH_CACHE_TTL_MS).default(DEFAULT_AUTH_CACHE_TTL_MS),
    SLUICE_TLS_CERT_FILE: z.string().min(1).optional(),
    SLUICE_TLS_KEY_FILE: z.string().min(1).optional(),
    SLUICE_BATCH_LINGER_MS: int(0, 1_000).default(DEFAULT_LINGER_MS),
    SLUICE_BATCH_IDLE_LINGER_MS: int(0, 1_000).default(DEFAULT_IDLE_LINGER_MS),
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
    SLUICE_GRPC_MAX_CONNECTION_AGE_MS: int(MIN_CONNECTION_AGE_MS, MAX_CONNECTION_AGE_MS).optional(),
    SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS: int(0, MAX_CONNECTION_AGE_MS).optional(),
    SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES: int(
      MIN_RECEIVE_MESSAGE_BYTES,
      MAX_RECEIVE_MESSAGE_BYTES,
    ).default(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES),
    SLUICE_GRPC_MAX_CONCURRENT_STREAMS: int(1, MAX_CONCURRENT_STREAMS).default(
      DEFAULT_MAX_CONCURRENT_STREAMS,
    ),
    SLUICE_MAX_PAYLOAD_BYTES: int(0, SQS_MAX_MESSAGE_BYTES).default(
      DEFAULT_SUBMIT_LIMITS.maxPayloadBytes,
    ),
    SLUICE_MAX_ATTRIBUTES: int(0, MAX_ATTRIBUTES).default(DEFAULT_SUBMIT_LIMITS.maxAttributes),
    SLUICE_MAX_ATTRIBUTE_KEY_LENGTH: int(1, MAX_ATTRIBUTE_KEY_LENGTH).default(
      DEFAULT_SUBMIT_LIMITS.maxAttributeKeyLength,
    ),
    SLUICE_MAX_ATTRIBUTE_VALUE_LENGTH: int(0, MAX_ATTRIBUTE_VALUE_LENGTH).default(
      DEFAULT_SUBMIT_LIMITS.maxAttributeValueLength,
    ),
    SLUICE_SUBMIT_RATE_PER_TENANT: int(0, MAX_SUBMIT_RATE).default(DEFAULT_SUBMIT_RATE_PER_TENANT),
    SLUICE_SUBMIT_BURST_PER_TENANT: int(1, MAX_SUBMIT_RATE * DEFAULT_BURST_SECONDS).optional(),
    SLUICE_PAGE_TOKEN_SECRET: z.string().min(MIN_PAGE_TOKEN_SECRET_LENGTH).optional(),
  })
  .refine(
    (env) =>
      env.SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS === undefined ||
      env.SLUICE_GRPC_MAX_CONNECTION_AGE_MS !== undefined,
    {
      path: ['SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS'],
      message: 'needs SLUICE_GRPC_MAX_CONNECTION_AGE_MS: the grace follows the age',
    },
  )
  .refine((env) => env.SLUICE_WATCH_SLOW_INTERVAL_MS >= env.SLUICE_WATCH_FAST_INTERVAL_MS, {
    path: ['SLUICE_WATCH_SLOW_INTERVAL_MS'],
    message: 'must be at least SLUICE_WATCH_FAST_INTERVAL_MS',
  })
  .superRefine((env, context) => {
    const limits = submitLimits(env);
    const overhead = envelopeOverheadBytes(limits, CHANNELS);
    const ceiling = maxPayloadBytes(limits, CHANNELS);
    if (env.SLUICE_MAX_PAYLOAD_BYTES > ceiling) {
      context.addIssue({
        code: 'custom',
        path: ['SLUICE_MAX_PAYLOAD_BYTES'],
        message: `must be at most ${ceiling}: its base64 plus the largest envelope (${overhead} bytes with these attribute limits) must fit SQS's ${SQS_MAX_MESSAGE_BYTES} bytes`,
      });
    }
    const largestRequest = env.SLUICE_MAX_PAYLOAD_BYTES + overhead;
    if (env.SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES < largestRequest) {
      context.addIssue({
        code: 'custom',
        path: ['SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES'],
        message: `must be at least ${largestRequest}, so every valid submit fits`,
      });
    }
  })
  .refine(
    (env) => (env.SLUICE_TLS_CERT_FILE === undefined) === (env.SLUICE_TLS_KEY_FILE === undefined),
    {
      path: ['SLUICE_TLS_KEY_FILE'],
      message: 'SLUICE_TLS_CERT_FILE and SLUICE_TLS_KEY_FILE go together: set both or neither',
    },
  );

/** The submit limits the environment sets (the others are fixed by SQS's and DynamoDB's key sizes). */
function submitLimits(env: {
  SLUICE_MAX_PAYLOAD_BYTES: number;
  SLUICE_MAX_ATTRIBUTES: number;
  SLUICE_MAX_ATTRIBUTE_KEY_LENGTH: number;
  SLUICE_MAX_ATTRIBUTE_VALUE_LENGTH: number;
}): SubmitLimits {
  return {
    ...DEFAULT_SUBMIT_LIMITS,
    maxPayloadBytes: env.SLUICE_MAX_PAYLOAD_BYTES,
    maxAttributes: env.SLUICE_MAX_ATTRIBUTES,
    maxAttributeKeyLength: env.SLUICE_MAX_ATTRIBUTE_KEY_LENGTH,
    maxAttributeValueLength: env.SLUICE_MAX_ATTRIBUTE_VALUE_LENGTH,
  };
}

/** Every setting of the front, parsed once from the environment. */
export interface FrontConfig {
  aws: AwsConfig;
  resources: ResourceConfig;
  host: string;
  port: number;
  healthPort: number;
  /** The dashboard and browser API (Connect, gRPC-Web). */
  web: { port: number; root: string | undefined; allowedOrigins: string[] };
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
  /** What one submit may carry. */
  limits: SubmitLimits;
  /** Per-tenant submit rate on this front; unset: unlimited (`SLUICE_SUBMIT_RATE_PER_TENANT=0`). */
  submitRate: SubmitRate | undefined;
  /** The key of ListJobs page-token MACs; unset: the deployment's, kept in the keys table (`PageTokenSecretStore`). */
  pageTokenSecret: string | undefined;
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

/** The per-tenant submit rate: 0 turns it off; the burst defaults to two seconds' worth. */
function submitRate(ratePerSecond: number, burst: number | undefined): SubmitRate | undefined {
  if (ratePerSecond === 0) return undefined;
  const defaultBurst =
    ratePerSecond === DEFAULT_SUBMIT_RATE_PER_TENANT
      ? DEFAULT_SUBMIT_BURST_PER_TENANT
      : ratePerSecond * DEFAULT_BURST_SECONDS;
  return { ratePerSecond, burst: burst ?? defaultBurst };
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
    web: {
      port: e.SLUICE_WEB_PORT,
      root: e.SLUICE_WEB_ROOT,
      allowedOrigins: e.SLUICE_WEB_ALLOWED_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    },
    logLevel: e.SLUICE_LOG_LEVEL,
    protoDir: e.SLUICE_PROTO_DIR,
    auth: { mode: e.SLUICE_AUTH, cacheTtlMs: e.SLUICE_AUTH_CACHE_TTL_MS },
    tls:
      e.SLUICE_TLS_CERT_FILE === undefined || e.SLUICE_TLS_KEY_FILE === undefined
        ? undefined
        : { certFile: e.SLUICE_TLS_CERT_FILE, keyFile: e.SLUICE_TLS_KEY_FILE },
    producer: {
      lingerMs: e.SLUICE_BATCH_LINGER_MS,
      idleLingerMs: e.SLUICE_BATCH_IDLE_LINGER_MS,
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
      maxConnectionAgeGraceMs: e.SLUICE_GRPC_MAX_CONNECTION_AGE_GRACE_MS,
      maxReceiveMessageBytes: e.SLUICE_GRPC_MAX_RECEIVE_MESSAGE_BYTES,
      maxConcurrentStreams: e.SLUICE_GRPC_MAX_CONCURRENT_STREAMS,
    },
    limits: submitLimits(e),
    submitRate: submitRate(e.SLUICE_SUBMIT_RATE_PER_TENANT, e.SLUICE_SUBMIT_BURST_PER_TENANT),
    pageTokenSecret: e.SLUICE_PAGE_TOKEN_SECRET,
  };
}
