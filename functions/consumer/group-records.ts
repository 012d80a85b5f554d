import type { SQSRecord } from 'aws-lambda';

/**
 * Splits a batch into its message groups, keeping each group's messages in
 * the order SQS delivered them (their submit order). Records without a group
 * (a standard queue) each form their own.
 *
 * @example
 * ```ts
 * for (const records of groupRecordsByMessageGroup(event.Records).values()) await runInOrder(records);
 * ```
 */
export function groupRecordsByMessageGroup(
  records: readonly SQSRecord[],
): Map<string, SQSRecord[]> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const groupId = record.attributes.MessageGroupId ?? `message:${record.messageId}`;
    const group = groups.get(groupId);
    if (group === undefined) groups.set(groupId, [record]);
    else group.push(record);
  }
  return groups;
}
