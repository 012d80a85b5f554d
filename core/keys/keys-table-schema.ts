import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The API keys table: its key, its one index and the fixed partition of that
 * index, shared by the key store, the local provisioning and the CDK app so
 * they can never disagree.
 *
 * - An item per key, keyed by its public key id: the front's lookup of a
 *   presented key is one `GetItem` (and the front may do nothing else).
 * - The `listing` index puts every key in one partition (`listPartition` is
 *   always `LISTING_PARTITION`) sorted by `<tenant>#<createdAt>#<keyId>`
 *   (`listKey`): all keys are one `Query` of the partition, a tenant's keys
 *   one `Query` with `begins_with(listKey, "<tenant>#")` (a tenant name never
 *   holds `#`). Keys are few and written rarely, so one partition is no hot spot.
 */
export const KEYS_TABLE_SCHEMA = Object.freeze({
  /** Partition key (string): the key id, 16 hex digits. */
  partitionKey: 'keyId',
  /** The listing index (projects everything but the hash). */
  listIndex: Object.freeze({
    indexName: 'listing',
    partitionKey: 'listPartition',
    sortKey: 'listKey',
  }),
  /** Attributes the listing index projects besides its keys (`INCLUDE`: never the hash). */
  listedAttributes: Object.freeze(['tenant', 'role', 'label', 'createdAt', 'revokedAt']),
});

/**
 * The one item of the keys table that is not an API key: the deployment's
 * ListJobs page-token key (`PageTokenSecretStore`), shared by every front
 * task. Its id is not 16 hex digits, so no presented key ever looks it up,
 * and it has no `listPartition`, so no key listing shows it. The front may
 * write this item only (IAM `dynamodb:LeadingKeys`).
 */
export const PAGE_TOKEN_SECRET_ITEM = Object.freeze({
  /** Its `keyId`. */
  keyId: 'page-token-secret',
  /** The attribute holding the key (base64url of random bytes). */
  secretAttribute: 'secret',
});

/** The one value of `listPartition`. */
export const LISTING_PARTITION = 'keys';

/** Digits of `createdAt` in `listKey`, so the sort key sorts by time (epoch ms fit until the year 2286). */
const CREATED_AT_DIGITS = 13;

/**
 * The listing sort key of a key: `<tenant>#<createdAt, 13 digits>#<keyId>`.
 *
 * @example
 * ```ts
 * listKey('acme', 1_700_000_000_000, '0123456789abcdef'); // 'acme#1700000000000#0123456789abcdef'
 * ```
 */
export function listKey(tenant: string, createdAt: number, keyId: string): string {
  return `${tenant}#${String(createdAt).padStart(CREATED_AT_DIGITS, '0')}#${keyId}`;
}

/**
 * The `listKey` prefix of one tenant's keys.
 *
 * @example
 * ```ts
 * tenantListPrefix('acme'); // 'acme#'
 * ```
 */
export function tenantListPrefix(tenant: string): string {
  return `${tenant}#`;
}

/** A table's definition as CreateTable takes it, without a billing mode (on demand everywhere). */
export type TableDefinition = Omit<CreateTableCommandInput, 'BillingMode'>;

/**
 * The keys table as `CreateTable` takes it: what the local provisioning
 * creates and what the CDK template is checked against.
 *
 * @example
 * ```ts
 * await dynamodb.send(new CreateTableCommand({ ...keysTableDefinition('sluice-keys'), BillingMode: 'PAY_PER_REQUEST' }));
 * ```
 */
export function keysTableDefinition(tableName: string): TableDefinition {
  const { partitionKey, listIndex, listedAttributes } = KEYS_TABLE_SCHEMA;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: listIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: listIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: listIndex.indexName,
        KeySchema: [
          { AttributeName: listIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: listIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...listedAttributes] },
      },
    ],
  };
}
