import type { AwsCallObserver, AwsExchange } from '../../local/aws-proxy/aws-proxy.js';
import type { AwsTarget } from '../../local/aws-proxy/aws-target.js';
import { AwsCallCounter, CAPACITY_OPERATIONS } from './aws-call-counter.js';
import type { AwsCallCounts } from './aws-call-counts.js';

const HTTP_ERROR = 400;
/** SQS operations whose requests are parsed (their entries are counted). */
const PARSED_SQS_OPERATIONS = new Set(['SendMessageBatch', 'DeleteMessageBatch']);
/** DynamoDB operations whose request is parsed (their entries are counted). */
const PARSED_DYNAMODB_OPERATIONS = new Set(['BatchGetItem', 'BatchWriteItem']);
/** Prepended to a DynamoDB request body (after its `{`) that does not ask for capacity. */
const ASK_FOR_CAPACITY = Buffer.from('{"ReturnConsumedCapacity":"TOTAL",');
/** Every `CapacityUnits` number in a response (one per table for batch calls). */
const CAPACITY_UNITS = /"CapacityUnits":(\d+(?:\.\d+)?)/g;

function isDynamoData(target: AwsTarget): boolean {
  return target.service === 'dynamodb' && CAPACITY_OPERATIONS.has(target.action);
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? undefined : (JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function sumCapacityUnits(body: Buffer): number {
  let units = 0;
  for (const match of body.toString('utf8').matchAll(CAPACITY_UNITS)) units += Number(match[1]);
  return units;
}

/**
 * The bench's cost accounting on the AWS proxy: asks DynamoDB data calls for
 * `ReturnConsumedCapacity: TOTAL` (spliced into the JSON text, cheaper than
 * a parse and re-serialise on every call), so request units come from the
 * emulator's own accounting, and feeds every exchange to an AwsCallCounter.
 * Only the batch calls' bodies and receives' answers are parsed; the hot
 * single-item calls are counted from the target and a scan for
 * `CapacityUnits`, to keep the proxy cheap.
 *
 * @example
 * ```ts
 * const proxy = await startAwsProxy({ sqs, dynamodb, observer: new CallCountingObserver() });
 * // GET REPORT_PATH → { observed: AwsCallCounts, ... }
 * ```
 */
export class CallCountingObserver implements AwsCallObserver {
  readonly #counter = new AwsCallCounter();

  prepare(target: AwsTarget, body: Buffer): Buffer {
    const isObject = body.length > 2 && body[0] === '{'.charCodeAt(0);
    if (!isDynamoData(target) || !isObject || body.includes('"ReturnConsumedCapacity"')) {
      return body;
    }
    return Buffer.concat([ASK_FOR_CAPACITY, body.subarray(1)]);
  }

  observe({ target, status, request, response }: AwsExchange): void {
    const parseRequest =
      (target.service === 'dynamodb' && PARSED_DYNAMODB_OPERATIONS.has(target.action)) ||
      (target.service === 'sqs' && PARSED_SQS_OPERATIONS.has(target.action));
    const ok = status < HTTP_ERROR;
    this.#counter.record({
      service: target.service,
      operation: target.action,
      status,
      requestBytes: request.length,
      responseBytes: response.length,
      request: parseRequest ? parseJson(request) : undefined,
      response:
        ok && target.service === 'sqs' && target.action === 'ReceiveMessage'
          ? parseJson(response)
          : undefined,
      capacityUnits: ok && isDynamoData(target) ? sumCapacityUnits(response) : undefined,
    });
  }

  report(): AwsCallCounts {
    return this.#counter.snapshot();
  }
}
