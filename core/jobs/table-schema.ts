import type { TableDefinition } from '../keys/keys-table-schema.js';
import { JOB_INDEXES } from './job-indexes.js';

/**
 * The jobs table's key and TTL attributes: shared by the table access code,
 * the local provisioning and the CDK app so they can never disagree.
 */
export const JOBS_TABLE_SCHEMA = Object.freeze({
  /** Partition key (string): `<tenant>#<jobId>`. The tenant is part of every key. */
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB may delete the record. */
  ttlAttribute: 'expiresAt',
});

/** Days a job record is kept (and an idempotency key is remembered). */
export const DEFAULT_RETENTION_DAYS = 30;

/** The partition key value of a job. */
export function jobPartitionKey(tenant: string, jobId: string): string {
  return `${tenant}#${jobId}`;
}

/**
 * The jobs table as `CreateTable` takes it, with the secondary indexes of
 * `JOB_INDEXES`: what the local provisioning creates (dynalite) and what the
 * CDK template is checked against, so the two can never have different indexes.
 *
 * @example
 * ```ts
 * await dynamodb.send(new CreateTableCommand({ ...jobsTableDefinition('sluice-jobs'), BillingMode: 'PAY_PER_REQUEST' }));
 * ```
 */
export function jobsTableDefinition(tableName: string): TableDefinition {
  const indexes = Object.values(JOB_INDEXES);
  return {
    TableName: tableName,
    AttributeDefinitions: [
      ...new Set([
        JOBS_TABLE_SCHEMA.partitionKey,
        ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ]),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: JOBS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] },
    })),
  };
}
