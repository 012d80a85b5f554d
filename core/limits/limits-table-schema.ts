import type { TableDefinition } from '../keys/keys-table-schema.js';

/**
 * The limits table: one small item per (tenant, second) counting the submit
 * tokens the fronts of a deployment have leased in that second, so a
 * per-tenant rate holds for the deployment, not per task. Items expire a
 * minute after their second (TTL); nothing else lives here, so the front's
 * write access to it touches no job and no key.
 */
export const LIMITS_TABLE_SCHEMA = Object.freeze({
  /** Partition key (string): `<tenant>#<epoch second>`. */
  partitionKey: 'pk',
  /** Tokens leased so far in that second (a number, only ever ADDed to). */
  usedAttribute: 'used',
  /** Epoch seconds after which DynamoDB may delete the counter. */
  ttlAttribute: 'expiresAt',
});

/**
 * The counter key of `tenant` in the second `epochSecond`.
 *
 * @example
 * ```ts
 * rateCounterKey('acme', 1_700_000_000); // 'acme#1700000000'
 * ```
 */
export function rateCounterKey(tenant: string, epochSecond: number): string {
  return `${tenant}#${epochSecond}`;
}

/**
 * The limits table as `CreateTable` takes it (local provisioning; the CDK
 * template is checked against it).
 *
 * @example
 * ```ts
 * await dynamodb.send(new CreateTableCommand({ ...limitsTableDefinition('sluice-limits'), BillingMode: 'PAY_PER_REQUEST' }));
 * ```
 */
export function limitsTableDefinition(tableName: string): TableDefinition {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: LIMITS_TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: LIMITS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
  };
}
