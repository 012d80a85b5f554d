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
