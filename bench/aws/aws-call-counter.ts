import {
  emptyCounts,
  emptyOperationCounts,
  operationKey,
  type AwsCallCounts,
  type AwsService,
} from './aws-call-counts.js';

/** SQS bills each 64 KiB chunk of a payload as one request. */
export const SQS_BILLING_CHUNK_BYTES = 64 * 1024;
/** DynamoDB charges a failed conditional write at least one write unit. */
const FAILED_WRITE_UNITS = 1;

const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const DYNAMODB_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** Operations whose response carries ConsumedCapacity when asked for. */
export const CAPACITY_OPERATIONS = new Set([...DYNAMODB_READS, ...DYNAMODB_WRITES]);

/** One API call as the proxy saw it. */
export interface ObservedCall {
  service: AwsService;
  operation: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  /** Parsed request body, for the operations whose entries are counted. */
  request?: unknown;
  /** Parsed response body, likewise. */
  response?: unknown;
  /** DynamoDB: the request units in the response's ConsumedCapacity. */
  capacityUnits?: number;
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null ? (value as JsonObject) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function requestItemCount(request: unknown, listField: 'Keys' | 'writes'): number {
  const items = asObject(asObject(request).RequestItems);
  return Object.values(items).reduce<number>((sum, table) => {
    const count =
      listField === 'Keys' ? asArray(asObject(table).Keys).length : asArray(table).length;
    return sum + count;
  }, 0);
}

/**
 * Counts AWS API calls per operation from the wire: calls, errors, batch
 * entries, SQS billable 64 KiB chunks, DynamoDB request units (from the
 * emulator's ConsumedCapacity), and Lambda invocations inferred from
 * non-empty receives.
 *
 * @example
 * ```ts
 * const counter = new AwsCallCounter();
 * counter.record({ service: 'sqs', operation: 'SendMessageBatch', status: 200, ... });
 * counter.snapshot().operations['sqs:SendMessageBatch']?.calls; // 1
 * ```
 */
export class AwsCallCounter {
  readonly #counts: AwsCallCounts = emptyCounts();

  /** Adds one observed call. */
  record(call: ObservedCall): void {
    const key = operationKey(call.service, call.operation);
    const counts = (this.#counts.operations[key] ??= emptyOperationCounts(
      call.service,
      call.operation,
    ));
    const failed = call.status >= 400;
    counts.calls += 1;
    counts.errors += failed ? 1 : 0;
    counts.requestBytes += call.requestBytes;
    counts.responseBytes += call.responseBytes;
    if (call.service === 'sqs') this.#recordSqs(call, failed, key);
    if (call.service === 'dynamodb') this.#recordDynamo(call, failed, key);
    if (call.service === 'other') counts.billableRequests += 1;
  }

  #recordSqs(call: ObservedCall, failed: boolean, key: string): void {
    const counts = this.#counts.operations[key];
    if (counts === undefined) return;
    const payloadBytes = Math.max(call.requestBytes, call.responseBytes);
    counts.billableRequests += Math.max(1, Math.ceil(payloadBytes / SQS_BILLING_CHUNK_BYTES));
    if (failed) return;
    if (call.operation === 'SendMessageBatch' || call.operation === 'DeleteMessageBatch') {
      counts.entries += asArray(asObject(call.request).Entries).length;
    } else if (call.operation === 'SendMessage' || call.operation === 'DeleteMessage') {
      counts.entries += 1;
    } else if (call.operation === 'ReceiveMessage') {
      this.#recordReceive(call, key);
    }
  }

  #recordReceive(call: ObservedCall, key: string): void {
    const messages = asArray(asObject(call.response).Messages);
    const counts = this.#counts.operations[key];
    if (counts === undefined || messages.length === 0) return;
    counts.entries += messages.length;
    this.#counts.lambda.invocations += 1;
    this.#counts.lambda.messages += messages.length;
  }

  #recordDynamo(call: ObservedCall, failed: boolean, key: string): void {
    const counts = this.#counts.operations[key];
    if (counts === undefined) return;
    counts.billableRequests += 1;
    const isWrite = DYNAMODB_WRITES.has(call.operation);
    const units = failed ? (isWrite ? FAILED_WRITE_UNITS : 0) : (call.capacityUnits ?? 0);
    if (isWrite) counts.writeUnits += units;
    else if (DYNAMODB_READS.has(call.operation)) counts.readUnits += units;
    if (call.operation === 'BatchGetItem') counts.entries += requestItemCount(call.request, 'Keys');
    else if (call.operation === 'BatchWriteItem') {
      counts.entries += requestItemCount(call.request, 'writes');
    } else if (CAPACITY_OPERATIONS.has(call.operation)) counts.entries += 1;
  }

  /** A copy of the cumulative counts. */
  snapshot(): AwsCallCounts {
    return structuredClone(this.#counts);
  }
}
