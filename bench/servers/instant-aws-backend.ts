import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The path that answers with the calls answered so far (JSON), per operation. */
export const INSTANT_COUNTS_PATH = '/__bench/instant-counts';
const SQS_TARGET_PREFIX = 'AmazonSQS.';
const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
/** SQS FIFO sequence numbers are 20-digit decimal strings. */
const SEQUENCE_DIGITS = 20;
/** The account id in the queue URLs it hands out. */
const ACCOUNT_ID = '000000000000';

/** Calls answered, by `service:Operation`, with the entries of batch calls. */
export type InstantCallCounts = Record<string, { calls: number; entries: number }>;

interface SqsEntry {
  Id?: string;
  MessageBody?: string;
}

/** Reads a whole request body. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * The answers: valid, minimal and immediate — every message accepted (with
 * the MD5 of its body, which the SDK checks, and a rising sequence
 * number), every write succeeding, every read finding nothing.
 */
class InstantAnswers {
  #sequence = 0n;
  readonly counts: InstantCallCounts = {};

  constructor(readonly baseUrl: () => string) {}

  #count(key: string, entries: number): void {
    const current = (this.counts[key] ??= { calls: 0, entries: 0 });
    current.calls += 1;
    current.entries += entries;
  }

  #nextSequence(): string {
    this.#sequence += 1n;
    return this.#sequence.toString().padStart(SEQUENCE_DIGITS, '0');
  }

  #accepted(body: string): Record<string, string> {
    return {
      MessageId: `instant-${this.#sequence.toString(16)}`,
      MD5OfMessageBody: md5(body),
      SequenceNumber: this.#nextSequence(),
    };
  }

  sqs(operation: string, input: Record<string, unknown>): unknown {
    const entries = Array.isArray(input.Entries) ? (input.Entries as SqsEntry[]) : [];
    this.#count(`sqs:${operation}`, entries.length);
    switch (operation) {
      case 'GetQueueUrl':
        return { QueueUrl: `${this.baseUrl()}/${ACCOUNT_ID}/${String(input.QueueName)}` };
      case 'SendMessage':
        return this.#accepted(typeof input.MessageBody === 'string' ? input.MessageBody : '');
      case 'SendMessageBatch':
        return {
          Successful: entries.map((entry) => ({
            Id: entry.Id,
            ...this.#accepted(entry.MessageBody ?? ''),
          })),
          Failed: [],
        };
      case 'GetQueueAttributes':
        return { Attributes: {} };
      case 'ReceiveMessage':
        return { Messages: [] };
      default:
        return {};
    }
  }

  dynamodb(operation: string, input: Record<string, unknown>): unknown {
    const requestItems = input.RequestItems as Record<string, unknown[]> | undefined;
    const entries = Object.values(requestItems ?? {}).reduce(
      (sum, items) => sum + (Array.isArray(items) ? items.length : 0),
      0,
    );
    this.#count(`dynamodb:${operation}`, entries);
    switch (operation) {
      case 'BatchGetItem':
        return { Responses: {}, UnprocessedKeys: {} };
      case 'BatchWriteItem':
        return { UnprocessedItems: {} };
      case 'Query':
      case 'Scan':
        return { Items: [], Count: 0, ScannedCount: 0 };
      case 'TransactWriteItems':
      case 'TransactGetItems':
        return {};
      default:
        // PutItem, UpdateItem, DeleteItem: succeeded; GetItem: no such item.
        return {};
    }
  }
}

/** A running instant backend. */
export interface InstantAwsBackend {
  /** `http://127.0.0.1:<port>`: the AWS endpoint to give the front. */
  readonly endpoint: string;
  readonly port: number;
  /** The calls answered so far. */
  counts(): InstantCallCounts;
  close(): Promise<void>;
}

/**
 * Starts the bench's instant AWS backend — for benchmarks only: a loopback
 * HTTP endpoint that answers the SQS and DynamoDB JSON calls the front makes
 * at once, with valid responses (messages accepted, conditional writes
 * succeeding, reads finding nothing), so a run measures the front's own
 * cost with no emulator in the way. It stores nothing and checks nothing:
 * it is not an emulator, and nothing but the bench may point at it.
 *
 * @example
 * ```ts
 * const backend = await startInstantAwsBackend();
 * // start the front with AWS_ENDPOINT_URL=backend.endpoint ...
 * await backend.close();
 * ```
 */
export async function startInstantAwsBackend(): Promise<InstantAwsBackend> {
  let endpoint = '';
  const answers = new InstantAnswers(() => endpoint);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    if (request.method === 'GET' && request.url === INSTANT_COUNTS_PATH) {
      response.writeHead(HTTP_OK, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answers.counts));
      return;
    }
    const target = request.headers['x-amz-target'];
    let input: Record<string, unknown>;
    try {
      input =
        body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      input = {};
    }
    let output: unknown;
    if (typeof target === 'string' && target.startsWith(SQS_TARGET_PREFIX)) {
      output = answers.sqs(target.slice(SQS_TARGET_PREFIX.length), input);
    } else if (typeof target === 'string' && target.startsWith(DYNAMODB_TARGET_PREFIX)) {
      output = answers.dynamodb(target.slice(DYNAMODB_TARGET_PREFIX.length), input);
    } else {
      response.writeHead(HTTP_BAD_REQUEST, { 'content-type': JSON_CONTENT_TYPE });
      response.end(
        JSON.stringify({
          __type: 'UnsupportedOperation',
          message: 'the instant backend answers SQS and DynamoDB JSON calls only',
        }),
      );
      return;
    }
    const text = JSON.stringify(output);
    response.writeHead(HTTP_OK, {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': 'instant',
    });
    response.end(text);
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(HTTP_BAD_REQUEST);
      response.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${String(port)}`;
  return {
    endpoint,
    port,
    counts: () => structuredClone(answers.counts),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
