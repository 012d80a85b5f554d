/** The AWS services whose calls are counted. */
export type AwsService = 'sqs' | 'dynamodb' | 'other';

/** What the counting proxy saw of one API operation. */
export interface OperationCounts {
  service: AwsService;
  operation: string;
  calls: number;
  /** Calls answered with an HTTP error status (conditional-check failures included). */
  errors: number;
  /** Batch entries sent, keys read, or messages received, by operation. */
  entries: number;
  /** SQS bills every 64 KiB chunk of a call's payload as one request. */
  billableRequests: number;
  /** DynamoDB read request units, as the emulator computed them. */
  readUnits: number;
  /** DynamoDB write request units (a failed conditional write still costs one). */
  writeUnits: number;
  requestBytes: number;
  responseBytes: number;
}

/**
 * Lambda invocations inferred from the queue's side: one per non-empty
 * ReceiveMessage (as the event source mapping invokes once per batch). Their
 * duration is not inferred here: Lambda bills the handler's run, which only
 * the event-source runner sees (its `billedDurationMs`).
 */
export interface LambdaCounts {
  invocations: number;
  messages: number;
}

/** Cumulative counts since the proxy started; diff two snapshots for a window. */
export interface AwsCallCounts {
  operations: Record<string, OperationCounts>;
  lambda: LambdaCounts;
}

/** The key of an operation in `AwsCallCounts.operations` ("sqs:SendMessageBatch"). */
export function operationKey(service: AwsService, operation: string): string {
  return `${service}:${operation}`;
}

/** Fresh zero counts of one operation. */
export function emptyOperationCounts(service: AwsService, operation: string): OperationCounts {
  return {
    service,
    operation,
    calls: 0,
    errors: 0,
    entries: 0,
    billableRequests: 0,
    readUnits: 0,
    writeUnits: 0,
    requestBytes: 0,
    responseBytes: 0,
  };
}

/** Zero counts. */
export function emptyCounts(): AwsCallCounts {
  return {
    operations: {},
    lambda: { invocations: 0, messages: 0 },
  };
}

const NUMERIC_FIELDS = [
  'calls',
  'errors',
  'entries',
  'billableRequests',
  'readUnits',
  'writeUnits',
  'requestBytes',
  'responseBytes',
] as const;

/**
 * The calls made between two snapshots (`after − before`), operations with
 * no calls in the window left out.
 *
 * @example
 * ```ts
 * const before = await proxy.counts();
 * await runLoad();
 * const window = diffCounts(await proxy.counts(), before);
 * ```
 */
export function diffCounts(after: AwsCallCounts, before: AwsCallCounts): AwsCallCounts {
  const operations: Record<string, OperationCounts> = {};
  for (const [key, counts] of Object.entries(after.operations)) {
    const previous =
      before.operations[key] ?? emptyOperationCounts(counts.service, counts.operation);
    const delta = { ...counts };
    for (const field of NUMERIC_FIELDS) delta[field] = counts[field] - previous[field];
    if (delta.calls > 0) operations[key] = delta;
  }
  return {
    operations,
    lambda: {
      invocations: after.lambda.invocations - before.lambda.invocations,
      messages: after.lambda.messages - before.lambda.messages,
    },
  };
}

/** Calls of the operations whose names match `pattern`, summed. */
export function sumCalls(counts: AwsCallCounts, pattern: RegExp): number {
  return Object.values(counts.operations)
    .filter((op) => pattern.test(`${op.service}:${op.operation}`))
    .reduce((sum, op) => sum + op.calls, 0);
}

/** Operations that send messages to SQS. */
export const SQS_SEND_OPERATIONS = /^sqs:SendMessage(Batch)?$/;
/** DynamoDB read operations. */
export const DYNAMODB_READ_OPERATIONS = /^dynamodb:(GetItem|BatchGetItem|Query|Scan)$/;
