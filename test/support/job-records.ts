import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobRecord } from '../../core/jobs/job.js';
import type { JobsTable } from '../../core/jobs/jobs-table.js';

/** The tenant of every job submitted to the open local runtime. */
export const OPEN_TENANT = 'default';
/** Keys read per round: BatchGetItem calls of 100 keys, a few dozen at a time. */
const KEYS_PER_ROUND = 2_000;

/**
 * The records of many jobs of one tenant, by job id (missing jobs are
 * absent), read in rounds so tens of thousands of ids do not flood the
 * emulator with concurrent calls.
 *
 * @example
 * ```ts
 * const records = await readRecords(runtime.table, ackedIds);
 * const missing = ackedIds.filter((id) => !records.has(id));
 * ```
 */
export async function readRecords(
  table: JobsTable,
  jobIds: readonly string[],
  tenant = OPEN_TENANT,
): Promise<Map<string, JobRecord>> {
  const records = new Map<string, JobRecord>();
  for (let i = 0; i < jobIds.length; i += KEYS_PER_ROUND) {
    const keys = jobIds.slice(i, i + KEYS_PER_ROUND).map((jobId) => ({ tenant, jobId }));
    for (const record of await table.batchGet(keys)) records.set(record.jobId, record);
  }
  return records;
}

/**
 * Every item in the jobs table, counted with a paginated Scan: only a test
 * on an emulator may afford it, to check that a call "changed nothing".
 *
 * @example
 * ```ts
 * const before = await countRecords(runtime.clients.documents, runtime.resources.tableName);
 * ```
 */
export async function countRecords(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}
