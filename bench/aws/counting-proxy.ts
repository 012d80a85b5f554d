import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { AwsCallCounter, CAPACITY_OPERATIONS } from './aws-call-counter.js';
import type { AwsService } from './aws-call-counts.js';

/** The path that answers with the cumulative counts (JSON) instead of proxying. */
export const COUNTS_PATH = '/__bench/counts';
/** Keep-alive sockets to each emulator: more than any client here keeps in flight. */
const MAX_UPSTREAM_SOCKETS = 256;
const BAD_GATEWAY = 502;
const HTTP_ERROR = 400;
const DYNAMODB_TARGET_PREFIX = 'DynamoDB_';
const SQS_TARGET_PREFIX = 'AmazonSQS.';
/** SQS operations whose requests are parsed (their entries are counted). */
const PARSED_SQS_OPERATIONS = new Set(['SendMessageBatch', 'DeleteMessageBatch']);
/** DynamoDB operations whose request is parsed (their entries are counted). */
const PARSED_DYNAMODB_OPERATIONS = new Set(['BatchGetItem', 'BatchWriteItem']);
/** Prepended to a DynamoDB request body (after its `{`) that does not ask for capacity. */
const ASK_FOR_CAPACITY = Buffer.from('{"ReturnConsumedCapacity":"TOTAL",');
/** Every `CapacityUnits` number in a response (one per table for batch calls). */
const CAPACITY_UNITS = /"CapacityUnits":(\d+(?:\.\d+)?)/g;
/** Headers that describe the body's framing, recomputed after buffering. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/** Where the proxy forwards each service's calls. */
export interface CountingProxyOptions {
  sqsUpstream: URL;
  dynamoUpstream: URL;
}

interface Route {
  service: AwsService;
  operation: string;
}

function routeOf(headers: IncomingHttpHeaders, body: Buffer): Route {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.indexOf('.') + 1);
    if (target.startsWith(DYNAMODB_TARGET_PREFIX)) return { service: 'dynamodb', operation };
    if (target.startsWith(SQS_TARGET_PREFIX)) return { service: 'sqs', operation };
    return { service: 'other', operation: target };
  }
  // The SQS query protocol (older SDKs, CLIs): Action=... in a form body.
  const action = new URLSearchParams(body.toString('utf8')).get('Action');
  return action === null
    ? { service: 'other', operation: 'unknown' }
    : { service: 'sqs', operation: action };
}

/**
 * Asks DynamoDB for ConsumedCapacity by splicing the field into the JSON
 * text (cheaper than a parse and re-serialise on every call).
 */
function askForCapacity(body: Buffer): Buffer {
  const isObject = body.length > 2 && body[0] === '{'.charCodeAt(0);
  if (!isObject || body.includes('"ReturnConsumedCapacity"')) return body;
  return Buffer.concat([ASK_FOR_CAPACITY, body.subarray(1)]);
}

function sumCapacityUnits(body: Buffer): number {
  let units = 0;
  for (const match of body.toString('utf8').matchAll(CAPACITY_UNITS)) units += Number(match[1]);
  return units;
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? undefined : (JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forwardHeaders(headers: IncomingHttpHeaders, length: number): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!FRAMING_HEADERS.has(name)) out[name] = value;
  }
  out['content-length'] = String(length);
  return out;
}

/**
 * A loopback HTTP proxy in front of the SQS and DynamoDB emulators that
 * counts every AWS API call by operation (from `X-Amz-Target`, or `Action`
 * for the query protocol) and forwards it unchanged — except that DynamoDB
 * data calls are asked for `ReturnConsumedCapacity: TOTAL`, so request units
 * come from the emulator's own accounting rather than an estimate. Only the
 * batch calls' bodies are parsed; the hot single-item calls are counted from
 * headers and a scan for `CapacityUnits`, to keep the proxy cheap. The Host
 * header is kept, so queue URLs the emulator hands out point back here.
 *
 * @example
 * ```ts
 * const server = createCountingProxy({ sqsUpstream: new URL(sqs), dynamoUpstream: new URL(dynamo) });
 * server.listen(0, '127.0.0.1');
 * // GET /__bench/counts → cumulative AwsCallCounts
 * ```
 */
export function createCountingProxy(options: CountingProxyOptions): Server {
  const counter = new AwsCallCounter();
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_UPSTREAM_SOCKETS });

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = await readBody(req);
    const route = routeOf(req.headers, body);
    const isDynamoData = route.service === 'dynamodb' && CAPACITY_OPERATIONS.has(route.operation);
    const parseRequest =
      (route.service === 'dynamodb' && PARSED_DYNAMODB_OPERATIONS.has(route.operation)) ||
      (route.service === 'sqs' && PARSED_SQS_OPERATIONS.has(route.operation));
    const parseResponse = route.service === 'sqs' && route.operation === 'ReceiveMessage';
    const requestJson = parseRequest ? parseJson(body) : undefined;
    if (isDynamoData) body = askForCapacity(body);
    const upstream = route.service === 'dynamodb' ? options.dynamoUpstream : options.sqsUpstream;
    const upstreamResponse = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: forwardHeaders(req.headers, body.length),
          agent,
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    const responseBody = await readBody(upstreamResponse);
    const status = upstreamResponse.statusCode ?? BAD_GATEWAY;
    res.writeHead(status, forwardHeaders(upstreamResponse.headers, responseBody.length));
    res.end(responseBody);
    const ok = status < HTTP_ERROR;
    counter.record({
      ...route,
      status,
      requestBytes: body.length,
      responseBytes: responseBody.length,
      request: requestJson,
      response: parseResponse && ok ? parseJson(responseBody) : undefined,
      capacityUnits: isDynamoData && ok ? sumCapacityUnits(responseBody) : undefined,
    });
  };

  return createServer((req, res) => {
    if (req.url === COUNTS_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counter.snapshot()));
      return;
    }
    forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(BAD_GATEWAY, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : 'upstream failed');
    });
  });
}
