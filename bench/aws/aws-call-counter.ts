import {
  emptyCounts,
  emptyOperationCounts,
  operationKey,
  type AwsCallCounts,
  type AwsService,
} from './aws-call-counts.js';

/** SQS bills each 64 KiB chunk of a payload as one request. */
export const SQS_BILLING_CHUNK_BYTES = 64 * 1024;
/** A receive batch whose messages are never resolved is forgotten after this long. */
const STALE_BATCH_MS = 15 * 60 * 1000;
/** How many receives between sweeps of stale batches. */
const SWEEP_EVERY_RECEIVES = 1000;
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
/** SQS operations that resolve a received message (the handler returned). */
const SQS_RESOLVING = new Set([
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);

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
  startedAt: number;
  finishedAt: number;
}

interface ReceiveBatch {
  receivedAt: number;
  outstanding: number;
  lastResolvedAt: number;
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

function receiptHandles(operation: string, request: unknown): string[] {
  const body = asObject(request);
  const single = body.ReceiptHandle;
  if (typeof single === 'string') return [single];
  if (operation.endsWith('Batch')) {
    return asArray(body.Entries)
      .map((entry) => asObject(entry).ReceiptHandle)
      .filter((handle): handle is string => typeof handle === 'string');
  }
  return [];
}

/**
 * Counts AWS API calls per operation from the wire: calls, errors, batch
 * entries, SQS billable 64 KiB chunks, DynamoDB request units (from the
 * emulator's ConsumedCapacity), and Lambda invocations inferred from receive
 * and delete calls.
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
  readonly #batchByHandle = new Map<string, ReceiveBatch>();
  #receivesSinceSweep = 0;

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
    if (SQS_RESOLVING.has(call.operation)) this.#resolve(call);
  }

  #recordReceive(call: ObservedCall, key: string): void {
    const messages = asArray(asObject(call.response).Messages);
    const counts = this.#counts.operations[key];
    if (counts === undefined || messages.length === 0) return;
    counts.entries += messages.length;
    this.#counts.lambda.invocations += 1;
    this.#counts.lambda.messages += messages.length;
    const batch: ReceiveBatch = {
      receivedAt: call.finishedAt,
      outstanding: 0,
      lastResolvedAt: call.finishedAt,
    };
    for (const message of messages) {
      const handle = asObject(message).ReceiptHandle;
      if (typeof handle !== 'string') continue;
      batch.outstanding += 1;
      this.#batchByHandle.set(handle, batch);
    }
    this.#receivesSinceSweep += 1;
    if (this.#receivesSinceSweep >= SWEEP_EVERY_RECEIVES) this.#sweep(call.finishedAt);
  }

  #resolve(call: ObservedCall): void {
    for (const handle of receiptHandles(call.operation, call.request)) {
      const batch = this.#batchByHandle.get(handle);
      if (batch === undefined) continue;
      this.#batchByHandle.delete(handle);
      batch.outstanding -= 1;
      batch.lastResolvedAt = call.startedAt;
      if (batch.outstanding === 0) {
        this.#counts.lambda.completedInvocations += 1;
        this.#counts.lambda.billedDurationMs += Math.max(
          1,
          Math.ceil(batch.lastResolvedAt - batch.receivedAt),
        );
      }
    }
  }

  #sweep(now: number): void {
    this.#receivesSinceSweep = 0;
    for (const [handle, batch] of this.#batchByHandle) {
      if (now - batch.receivedAt > STALE_BATCH_MS) this.#batchByHandle.delete(handle);
    }
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
