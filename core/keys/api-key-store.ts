import {
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, putIfAbsent } from '../aws/put-if-absent.js';
import { ValidationError } from '../errors/index.js';
import { generateApiKey, hashApiKey } from './api-key-format.js';
import { DEFAULT_API_KEY_ROLE, isApiKeyRole, type ApiKeyRole } from './api-key-role.js';
import {
  KEYS_TABLE_SCHEMA,
  LISTING_PARTITION,
  listKey,
  tenantListPrefix,
} from './keys-table-schema.js';
import { parseTenantName } from './tenant-name.js';

/** Characters of a key's label. */
const MAX_LABEL_LENGTH = 100;
/** Tries to find an unused key id (64 random bits: a clash is already a miracle). */
const MAX_CREATE_ATTEMPTS = 3;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const { partitionKey: PK, listIndex } = KEYS_TABLE_SCHEMA;

/** What the store knows of one API key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  keyId: string;
  tenant: string;
  /** What the key may do (`tenant` unless created with `--role operator`). */
  role: ApiKeyRole;
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
  /** The keys table (`SLUICE_KEYS_TABLE_NAME`, schema in `keys-table-schema.ts`). */
  tableName: string;
  now?: () => number;
}

/** A stored item as a record; an item without a role predates roles and is a tenant's. */
function toRecord(item: Record<string, unknown> | undefined): ApiKeyRecord | undefined {
  if (item === undefined) return undefined;
  const { [listIndex.partitionKey]: _partition, [listIndex.sortKey]: _sort, role, ...rest } = item;
  return { ...(rest as unknown as ApiKeyRecord), role: isApiKeyRole(role) ? role : 'tenant' };
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

function checkRole(role: string): ApiKeyRole {
  if (!isApiKeyRole(role)) {
    throw new ValidationError('role: must be "tenant" or "operator"', { field: 'role' });
  }
  return role;
}

/**
 * API keys in their own table, each bound to one tenant and one role and
 * stored only as a SHA-256 hash. The front only reads (`find`, one GetItem);
 * `sluice keys` creates, revokes and lists with an operator's AWS
 * credentials — never over gRPC. Listing is a Query of the table's listing
 * index (`KEYS_TABLE_SCHEMA`), never a Scan.
 *
 * @example
 * ```ts
 * const store = new ApiKeyStore({ client: documents, tableName: 'sluice-keys' });
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
    options: { label?: string; role?: string } = {},
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const record = {
      tenant: parseTenantName(tenant),
      role: checkRole(options.role ?? DEFAULT_API_KEY_ROLE),
      label: checkLabel(options.label ?? ''),
      createdAt: this.#now(),
    };
    for (let attempt = 1; ; attempt += 1) {
      const { keyId, key } = generateApiKey();
      const full: ApiKeyRecord = { keyId, ...record, keyHash: hashApiKey(key).toString('hex') };
      if (await this.put(full)) return { key, record: full };
      if (attempt >= MAX_CREATE_ATTEMPTS) {
        throw new Error(`no unused key id after ${MAX_CREATE_ATTEMPTS} attempts`);
      }
    }
  }

  /**
   * Stores a key record as it is (its hash included) unless its key id is
   * taken; `false` when it was. `create` and the migration of keys from the
   * jobs table use it.
   */
  put(record: ApiKeyRecord): Promise<boolean> {
    return putIfAbsent(this.#client, {
      tableName: this.#tableName,
      partitionKey: PK,
      item: {
        ...record,
        [listIndex.partitionKey]: LISTING_PARTITION,
        [listIndex.sortKey]: listKey(record.tenant, record.createdAt, record.keyId),
      },
    });
  }

  /** The key with this id (strongly consistent, so a revoke is seen at once), or `undefined`. */
  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { [PK]: keyId }, ConsistentRead: true }),
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
          Key: { [PK]: keyId },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
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
   * Every key (of one tenant, if given), oldest first, without hashes: a
   * Query of the listing index (which does not even hold the hashes).
   */
  async list(filter: { tenant?: string } = {}): Promise<ApiKeySummary[]> {
    if (filter.tenant !== undefined) parseTenantName(filter.tenant);
    const input: QueryCommandInput = {
      TableName: this.#tableName,
      IndexName: listIndex.indexName,
      KeyConditionExpression:
        filter.tenant === undefined ? '#lp = :lp' : '#lp = :lp AND begins_with(#lk, :prefix)',
      ExpressionAttributeNames: {
        '#lp': listIndex.partitionKey,
        ...(filter.tenant === undefined ? {} : { '#lk': listIndex.sortKey }),
      },
      ExpressionAttributeValues: {
        ':lp': LISTING_PARTITION,
        ...(filter.tenant === undefined ? {} : { ':prefix': tenantListPrefix(filter.tenant) }),
      },
    };
    const keys: ApiKeySummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({ ...input, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        const { keyHash: _hash, ...summary } = toRecord(item) as ApiKeyRecord;
        keys.push(summary);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return keys.sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
  }
}
