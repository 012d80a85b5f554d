/** How an event source mapping reads a handler's answer to a batch. */
export type BatchVerdict =
  /** These messages failed; every other one succeeded and is deleted. */
  | { kind: 'partial'; failedMessageIds: ReadonlySet<string> }
  /** The answer is not a valid partial batch response: the whole batch failed. */
  | { kind: 'invalid'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a handler's return value exactly as Lambda's SQS event source mapping
 * does with `ReportBatchItemFailures`: nothing, an empty object, or a null or
 * empty `batchItemFailures` means every message succeeded; a list of
 * `itemIdentifier`s names the failed ones; anything malformed — not an
 * object, a list that is not one, an entry without a non-empty string
 * `itemIdentifier`, or one naming a message not in the batch — fails the
 * whole batch.
 *
 * @example
 * ```ts
 * readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, ['m1', 'm2']); // partial: {m2}
 * ```
 */
export function readBatchResponse(response: unknown, messageIds: readonly string[]): BatchVerdict {
  if (response === undefined || response === null) {
    return { kind: 'partial', failedMessageIds: new Set() };
  }
  if (!isRecord(response)) return { kind: 'invalid', reason: 'the response is not an object' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) {
    return { kind: 'partial', failedMessageIds: new Set() };
  }
  if (!Array.isArray(failures)) {
    return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  }
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'invalid', reason: 'an entry has no itemIdentifier' };
    }
    if (!known.has(id)) {
      return { kind: 'invalid', reason: `itemIdentifier "${id}" is not a message of the batch` };
    }
    failed.add(id);
  }
  return { kind: 'partial', failedMessageIds: failed };
}
