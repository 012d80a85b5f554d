import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Whether a DynamoDB call failed only because its condition did not hold —
 * an answer ("someone else got there first"), not a fault. Checked by name
 * too, since an error crossing SDK copies or emulators is not always an
 * instance of the class.
 *
 * @example
 * ```ts
 * try { await documents.send(update); } catch (error) { if (!isConditionFailure(error)) throw error; }
 * ```
 */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * Writes `item` unless an item with its partition key exists: `true` when
 * this call created it, `false` when one was there (left unchanged). The
 * create-once write of job records and API keys.
 *
 * @example
 * ```ts
 * const created = await putIfAbsent(documents, { tableName: 'sluice-keys', partitionKey: 'keyId', item });
 * ```
 */
export async function putIfAbsent(
  client: DynamoDBDocumentClient,
  put: { tableName: string; partitionKey: string; item: Record<string, unknown> },
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: put.tableName,
        Item: put.item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': put.partitionKey },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
