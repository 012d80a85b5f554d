import { z } from 'zod';
import { DEFAULT_LIST_SHARDS, MAX_LIST_SHARDS } from '../jobs/job-indexes.js';

/** Where and as whom the AWS clients connect. */
export interface AwsConfig {
  /**
   * `AWS_REGION`, else `AWS_DEFAULT_REGION`; unset: the SDK's own chain (the
   * profile's region) decides, and `resolveAwsRegion` fails clearly if none does.
   * Never a silent default.
   */
  region?: string;
  /**
   * An endpoint for every AWS service: LocalStack (`http://localhost:4566`) or
   * the embedded emulators. Unset on AWS itself.
   */
  endpoint?: string;
  /** Per-service endpoints, taking precedence over `endpoint`. */
  sqsEndpoint?: string;
  dynamoEndpoint?: string;
}

/** Names of the resources one deployment uses. */
export interface ResourceConfig {
  /** The jobs table. */
  tableName: string;
  /** Queues are named `<prefix>-<channel>.fifo` and `<prefix>-<channel>-dlq.fifo`. */
  queuePrefix: string;
  /** The API keys table; unset: `DEFAULT_KEYS_TABLE_NAME`. */
  keysTableName?: string;
  /**
   * Index shards per listing key (`SLUICE_LIST_SHARDS`, default
   * `DEFAULT_LIST_SHARDS`). Whoever writes a record writes its shard, so the
   * front and the functions must agree; raise it, never lower it (readers
   * query shards `0..n-1`).
   */
  listShards?: number;
  /**
   * The limits table (per-tenant rate counters shared by every front of a
   * deployment); unset: none, each front limits rates on its own.
   */
  limitsTableName?: string;
}

/** The API keys table unless `SLUICE_KEYS_TABLE_NAME` names another. */
export const DEFAULT_KEYS_TABLE_NAME = 'sluice-keys';

/**
 * The keys table of `resources` (its default when unset).
 *
 * @example
 * ```ts
 * new ApiKeyStore({ client, tableName: keysTableNameOf(resources) });
 * ```
 */
export function keysTableNameOf(resources: ResourceConfig): string {
  return resources.keysTableName ?? DEFAULT_KEYS_TABLE_NAME;
}

/** DynamoDB's table name rule. */
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

const envSchema = z.object({
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  SLUICE_TABLE_NAME: z.string().regex(TABLE_NAME_PATTERN).default('sluice-jobs'),
  SLUICE_KEYS_TABLE_NAME: z.string().regex(TABLE_NAME_PATTERN).default(DEFAULT_KEYS_TABLE_NAME),
  SLUICE_LIMITS_TABLE_NAME: z.string().regex(TABLE_NAME_PATTERN).optional(),
  SLUICE_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,40}$/)
    .default('sluice'),
  SLUICE_LIST_SHARDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_SHARDS)
    .default(DEFAULT_LIST_SHARDS),
});

/**
 * Reads the AWS and resource settings from the environment, the same way on
 * AWS, on LocalStack and on the embedded emulators: `AWS_ENDPOINT_URL` (and the
 * SDK's per-service `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL_DYNAMODB`) is the
 * switch.
 *
 * @example
 * ```ts
 * const { aws, resources } = readAwsEnvironment(process.env);
 * ```
 */
export function readAwsEnvironment(env: NodeJS.ProcessEnv): {
  aws: AwsConfig;
  resources: ResourceConfig;
} {
  const parsed = envSchema.parse(env);
  return {
    aws: {
      region: parsed.AWS_REGION ?? parsed.AWS_DEFAULT_REGION,
      endpoint: parsed.AWS_ENDPOINT_URL,
      sqsEndpoint: parsed.AWS_ENDPOINT_URL_SQS,
      dynamoEndpoint: parsed.AWS_ENDPOINT_URL_DYNAMODB,
    },
    resources: {
      tableName: parsed.SLUICE_TABLE_NAME,
      queuePrefix: parsed.SLUICE_QUEUE_PREFIX,
      keysTableName: parsed.SLUICE_KEYS_TABLE_NAME,
      listShards: parsed.SLUICE_LIST_SHARDS,
      ...(parsed.SLUICE_LIMITS_TABLE_NAME === undefined
        ? {}
        : { limitsTableName: parsed.SLUICE_LIMITS_TABLE_NAME }),
    },
  };
}
