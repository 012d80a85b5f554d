import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Sockets kept open to each emulator: more than any client here keeps in flight. */
const MAX_UPSTREAM_SOCKETS = 128;
const BAD_GATEWAY = 502;
const DYNAMODB_TARGET_PREFIX = 'DynamoDB_';
const SQS_TARGET_PREFIX = 'AmazonSQS.';
/** The media type of both services' JSON protocols. */
const AWS_JSON = 'application/x-amz-json-1.0';
/** Headers that describe a body's framing, recomputed when forwarding. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/** The AWS service a call was addressed to (from its `X-Amz-Target`). */
export type AwsService = 'sqs' | 'dynamodb';

/** One call as the proxy sees it. */
export interface AwsCall {
  service: AwsService;
  /** The operation, e.g. `SendMessageBatch`, `PutItem`. */
  action: string;
  /** How many calls of this action came before it (from 0). */
  index: number;
}

/** What the proxy does with one call. */
export type AwsFaultDecision =
  /** Forward, after `delayMs` and once `until` resolved, when given (to reorder or stall calls). */
  | { kind: 'forward'; delayMs?: number; until?: Promise<void> }
  /** Answer with an AWS JSON-protocol error instead of forwarding. */
  | { kind: 'fail'; status: number; errorType: string }
  /** Forward, then change the parsed JSON answer before the client sees it. */
  | { kind: 'rewrite'; rewrite: (answer: Record<string, unknown>) => Record<string, unknown> }
  /**
   * Destroy the client's connection: `before` the call reaches the service
   * (it never happened) or `after` the service handled it (it happened, but
   * the caller cannot know).
   */
  | { kind: 'drop'; when: 'before' | 'after' };

/** Picks the decision for one call. */
export type AwsFaultPlan = (call: AwsCall) => AwsFaultDecision;

/** Where the proxy forwards each service's calls (either may be absent when unused). */
export interface AwsFaultProxyTargets {
  sqs?: string;
  dynamodb?: string;
}

/** A loopback HTTP proxy in front of the SQS and DynamoDB endpoints that injects faults. */
export interface AwsFaultProxy {
  /** `http://127.0.0.1:<port>`: point SQS and DynamoDB clients here. */
  readonly endpoint: string;
  /** Calls seen, by action (e.g. `SendMessageBatch`, `PutItem`: the two APIs share no names). */
  readonly calls: ReadonlyMap<string, number>;
  /** Faults injected (every decision but a plain forward), by kind (`fail`, `drop`, `delay`, `rewrite`). */
  readonly faults: ReadonlyMap<string, number>;
  /** Replaces the plan for the calls that arrive from now on. */
  setPlan(plan: AwsFaultPlan): void;
  close(): Promise<void>;
}

/** The JSON-protocol error type names tests inject, per service and kind of trouble. */
export const AWS_ERRORS = {
  sqs: {
    throttling: { status: 400, errorType: 'ThrottlingException' },
    serverError: { status: 500, errorType: 'InternalError' },
    unavailable: { status: 503, errorType: 'ServiceUnavailable' },
  },
  dynamodb: {
    throttling: { status: 400, errorType: 'ProvisionedThroughputExceededException' },
    serverError: { status: 500, errorType: 'InternalServerError' },
    unavailable: { status: 503, errorType: 'ServiceUnavailable' },
  },
} as const;

/** Forwards every call unchanged. */
export const FORWARD_ALL: AwsFaultPlan = () => ({ kind: 'forward' });

/**
 * Reads a whole request or response body.
 *
 * @example
 * ```ts
 * const body = await readBody(incoming);
 * ```
 */
export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function routeOf(target: string): { service: AwsService; action: string } | undefined {
  const action = target.slice(target.indexOf('.') + 1);
  if (target.startsWith(SQS_TARGET_PREFIX)) return { service: 'sqs', action };
  if (target.startsWith(DYNAMODB_TARGET_PREFIX)) return { service: 'dynamodb', action };
  return undefined;
}

/** The request's headers without those describing its framing (the body is sent whole). */
function forwardedHeaders(incoming: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !FRAMING_HEADERS.has(name)) headers[name] = value;
  }
  return headers;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function forward(
  target: URL,
  incoming: IncomingMessage,
  body: Buffer,
  agent: Agent,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: {
          ...forwardedHeaders(incoming),
          host: target.host,
          'content-length': body.length,
        },
        agent,
      },
      (response) => {
        readBody(response).then((answer) => {
          const headers: Record<string, string> = {
            'content-type': response.headers['content-type'] ?? 'application/json',
          };
          const queryError = response.headers['x-amzn-query-error'];
          if (typeof queryError === 'string') headers['x-amzn-query-error'] = queryError;
          resolve({ status: response.statusCode ?? BAD_GATEWAY, headers, body: answer });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function failure(service: AwsService, status: number, errorType: string): Answer {
  const headers: Record<string, string> = { 'content-type': AWS_JSON };
  // SQS's JSON protocol also names the error in the query-compatible header the SDK reads.
  if (service === 'sqs') {
    headers['x-amzn-query-error'] = `${errorType};${status < 500 ? 'Sender' : 'Receiver'}`;
  }
  const body = Buffer.from(JSON.stringify({ __type: errorType, message: 'injected fault' }));
  return { status, headers, body };
}

function faultKind(decision: AwsFaultDecision): string | undefined {
  if (decision.kind !== 'forward') return decision.kind;
  return decision.delayMs !== undefined || decision.until !== undefined ? 'delay' : undefined;
}

/**
 * Starts a fault-injecting proxy for the JSON protocols of SQS and DynamoDB
 * (service and action come from the `X-Amz-Target` header): the honest way
 * to make real emulators throttle, fail with 5xx, answer late, drop the
 * connection or lie about a batch exactly when a test needs it. The plan can
 * change while the proxy runs (`setPlan`), so one proxy serves a whole
 * scenario of faults and recovery; calls and injected faults are counted.
 *
 * @example
 * ```ts
 * const proxy = await startAwsFaultProxy({ sqs: sqsEndpoint, dynamodb: dynamoEndpoint }, ({ service }) =>
 *   service === 'dynamodb' ? { kind: 'fail', ...AWS_ERRORS.dynamodb.throttling } : { kind: 'forward' });
 * // point AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB at proxy.endpoint
 * await proxy.close();
 * ```
 */
export async function startAwsFaultProxy(
  targets: AwsFaultProxyTargets,
  initialPlan: AwsFaultPlan = FORWARD_ALL,
): Promise<AwsFaultProxy> {
  const upstream = {
    sqs: targets.sqs === undefined ? undefined : new URL(targets.sqs),
    dynamodb: targets.dynamodb === undefined ? undefined : new URL(targets.dynamodb),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_UPSTREAM_SOCKETS });
  const calls = new Map<string, number>();
  const faults = new Map<string, number>();
  let plan = initialPlan;
  const count = (counts: Map<string, number>, key: string): number => {
    const seen = counts.get(key) ?? 0;
    counts.set(key, seen + 1);
    return seen;
  };

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const route = routeOf(String(incoming.headers['x-amz-target'] ?? ''));
    const target = route === undefined ? undefined : upstream[route.service];
    if (route === undefined || target === undefined) {
      outgoing.writeHead(BAD_GATEWAY).end();
      return;
    }
    const index = count(calls, route.action);
    const decision = plan({ ...route, index });
    const kind = faultKind(decision);
    if (kind !== undefined) count(faults, kind);

    let answer: Answer;
    switch (decision.kind) {
      case 'fail':
        answer = failure(route.service, decision.status, decision.errorType);
        break;
      case 'drop':
        if (decision.when === 'after') await forward(target, incoming, body, agent);
        incoming.socket.destroy();
        return;
      case 'forward':
        if (decision.delayMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
        }
        await decision.until;
        answer = await forward(target, incoming, body, agent);
        break;
      case 'rewrite': {
        const honest = await forward(target, incoming, body, agent);
        const parsed = JSON.parse(honest.body.toString()) as Record<string, unknown>;
        answer = { ...honest, body: Buffer.from(JSON.stringify(decision.rewrite(parsed))) };
        break;
      }
    }
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(BAD_GATEWAY);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    faults,
    setPlan: (next) => {
      plan = next;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        agent.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
