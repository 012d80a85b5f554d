import { DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOBS_TABLE_SCHEMA } from '../jobs/table-schema.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';

/**
 * Where releases before the keys table kept API keys: items of the jobs
 * table whose partition key is `$apikey#<keyId>`.
 */
export const LEGACY_API_KEY_PARTITION_PREFIX = '$apikey#';

/** Options of `migrateLegacyApiKeys`. */
export interface LegacyApiKeyMigration {
  client: DynamoDBDocumentClient;
  /** The jobs table the keys were kept in. */
  jobsTableName: string;
  /** The store of the keys table they move to. */
  store: ApiKeyStore;
}

/** What a migration did. */
export interface LegacyApiKeyMigrationResult {
  /** Keys copied to the keys table (then removed from the jobs table). */
  moved: number;
  /** Keys already in the keys table (a second run): only removed from the jobs table. */
  alreadyMoved: number;
}

/**
 * Moves API keys from the jobs table (releases before the keys table) to the
 * keys table: each keeps its id, tenant, hash, label and times, with the
 * `tenant` role — so keys already handed out keep working — and is then
 * deleted from the jobs table. Safe to run again (a key already moved is not
 * copied twice). A one-shot operator job (`sluice keys migrate`): it Scans
 * the jobs table once.
 *
 * @example
 * ```ts
 * const { moved } = await migrateLegacyApiKeys({ client: documents, jobsTableName: 'sluice-jobs', store });
 * ```
 */
export async function migrateLegacyApiKeys(
  migration: LegacyApiKeyMigration,
): Promise<LegacyApiKeyMigrationResult> {
  const result: LegacyApiKeyMigrationResult = { moved: 0, alreadyMoved: 0 };
  const pk = JOBS_TABLE_SCHEMA.partitionKey;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await migration.client.send(
      new ScanCommand({
        TableName: migration.jobsTableName,
        FilterExpression: 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: { '#pk': pk },
        ExpressionAttributeValues: { ':prefix': LEGACY_API_KEY_PARTITION_PREFIX },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const legacy = item as Omit<ApiKeyRecord, 'role'>;
      const copied = await migration.store.put({
        keyId: legacy.keyId,
        tenant: legacy.tenant,
        role: 'tenant',
        keyHash: legacy.keyHash,
        label: legacy.label,
        createdAt: legacy.createdAt,
        ...(legacy.revokedAt === undefined ? {} : { revokedAt: legacy.revokedAt }),
      });
      if (copied) result.moved += 1;
      else result.alreadyMoved += 1;
      await migration.client.send(
        new DeleteCommand({
          TableName: migration.jobsTableName,
          Key: { [pk]: item[pk] as string },
        }),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return result;
}
