import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../core/errors/index.js';
import { JOBS_TABLE_SCHEMA } from '../../core/jobs/table-schema.js';
import { generateApiKey, hashApiKey } from './api-key-format.js';
import { parseTenantName } from './tenant-name.js';

/**
 * The partition-key namespace of API keys in the jobs table: `$apikey#<keyId>`.
 * Job keys are `<tenant>#<jobId>` and a tenant name never starts with `$`
 * (`TENANT_NAME_PATTERN`), so the two can never collide; key items carry no
 * `expiresAt`, so TTL never deletes them.
 */
export const API_KEY_PARTITION_PREFIX = '$apikey#';
/** Characters of a key's label. */
const MAX_LABEL_LENGTH = 100;
/** Tries to find an unused key id (64 random bits: a clash is already a miracle). */
const MAX_CREATE_ATTEMPTS = 3;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** What the store knows of one API key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  keyId: string;
  tenant: string;
  /** Hex SHA-256 of the whole key (`hashApiKey`). */
  keyHash: string;
  /** Free text for people: what the key is for. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; set once the key is revoked. */
  revokedAt?: number;
}

/** A key as `sluice keys list` shows it (no hash). */
export type ApiKeySummary = Omit<ApiKeyRecord, 'keyHash'>;

/** Options of an `ApiKeyStore`. */
export interface ApiKeyStoreOptions {
  client: DynamoDBDocumentClient;
  /** The jobs table (keys live in their own partition-key namespace there). */
  tableName: string;
  now?: () => number;
}

function partitionKey(keyId: string): string {
  return `${API_KEY_PARTITION_PREFIX}${keyId}`;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

function toRecord(item: Record<string, unknown> | undefined): ApiKeyRecord | undefined {
  if (item === undefined) return undefined;
  const { [JOBS_TABLE_SCHEMA.partitionKey]: _pk, ...record } = item;
  return record as unknown as ApiKeyRecord;
}

function checkLabel(label: string): string {
  if (label.length > MAX_LABEL_LENGTH || CONTROL_CHARS.test(label)) {
    throw new ValidationError(
      `label: must be at most ${MAX_LABEL_LENGTH} characters without control characters`,
      { field: 'label' },
    );
  }
  return label;
}

/**
 * API keys in the jobs table, each bound to one tenant and stored only as a
 * SHA-256 hash. The front reads (`find`); `sluice keys` creates, revokes and
 * lists with an operator's AWS credentials — never over gRPC.
 *
 * @example
 * ```ts
 * const store = new ApiKeyStore({ client: documents, tableName: 'sluice-jobs' });
 * const { key } = await store.create('acme', { label: 'billing service' });
 * ```
 */
export class ApiKeyStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => number;

  constructor(options: ApiKeyStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  /** Creates a key for `tenant`; the returned `key` exists nowhere else — show it once. */
  async create(
    tenant: string,
    options: { label?: string } = {},
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const record = {
      tenant: parseTenantName(tenant),
      label: checkLabel(options.label ?? ''),
      createdAt: this.#now(),
    };
    for (let attempt = 1; ; attempt += 1) {
      const { keyId, key } = generateApiKey();
      const full: ApiKeyRecord = { keyId, ...record, keyHash: hashApiKey(key).toString('hex') };
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { [JOBS_TABLE_SCHEMA.partitionKey]: partitionKey(keyId), ...full },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': JOBS_TABLE_SCHEMA.partitionKey },
          }),
        );
        return { key, record: full };
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
      }
    }
  }

  /** The key with this id (strongly consistent, so a revoke is seen at once), or `undefined`. */
  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [JOBS_TABLE_SCHEMA.partitionKey]: partitionKey(keyId) },
        ConsistentRead: true,
      }),
    );
    return toRecord(Item);
  }

  /**
   * Revokes a key (idempotent: the first revocation time stays); `undefined`
   * when no such key exists. Fronts stop accepting it within their cache TTL.
   */
  async revoke(keyId: string): Promise<ApiKeyRecord | undefined> {
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [JOBS_TABLE_SCHEMA.partitionKey]: partitionKey(keyId) },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': JOBS_TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: { ':now': this.#now() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Every key (of one tenant, if given), oldest first, without hashes. A
   * filtered Scan of the jobs table: it reads the whole table, which is fine
   * for an occasional admin command but not for anything on a request path.
   */
  async list(filter: { tenant?: string } = {}): Promise<ApiKeySummary[]> {
    const keys: ApiKeySummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          FilterExpression:
            filter.tenant === undefined
              ? 'begins_with(#pk, :prefix)'
              : 'begins_with(#pk, :prefix) AND tenant = :tenant',
          ProjectionExpression: 'keyId, tenant, label, createdAt, revokedAt',
          ExpressionAttributeNames: { '#pk': JOBS_TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: {
            ':prefix': API_KEY_PARTITION_PREFIX,
            ...(filter.tenant === undefined ? {} : { ':tenant': filter.tenant }),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) keys.push(item as ApiKeySummary);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return keys.sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
  }
}
