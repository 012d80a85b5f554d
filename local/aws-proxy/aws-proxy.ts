import { setTimeout as delay } from 'node:timers/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  faultAnswer,
  faultKind,
  FORWARD_ALL,
  type AwsFaultPlan,
  type ProxyAnswer,
} from './aws-faults.js';
import { parseAwsTarget, type AwsService, type AwsTarget } from './aws-target.js';
import { CallTally } from './call-tally.js';
import { framedHeaders, readBody, UpstreamForwarder } from './upstream-forwarder.js';

/** The path that answers with what the proxy saw (JSON) instead of proxying. */
export const REPORT_PATH = '/__aws-proxy/report';
const BAD_GATEWAY = 502;
const OK = 200;
/** Clients of a bench run keep their sockets between bursts: keep them open as long. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000;

/** One call the proxy answered, as an observer sees it. */
export interface AwsExchange {
  target: AwsTarget;
  status: number;
  /** The request body as forwarded (after `prepare`). */
  request: Buffer;
  response: Buffer;
}

/** Watches every call, e.g. the bench's cost accounting. */
export interface AwsCallObserver {
  /** The body to forward instead of `body` (the bench asks DynamoDB for ConsumedCapacity). */
  prepare?(target: AwsTarget, body: Buffer): Buffer;
  /** Called once the client has the answer (a forwarded or an injected one). */
  observe(exchange: AwsExchange): void;
  /** What `GET REPORT_PATH` shows as `observed`. */
  report?(): unknown;
}

/** What `GET REPORT_PATH` answers with. */
export interface AwsProxyReport {
  calls: Record<string, number>;
  faults: Record<string, number>;
  observed?: unknown;
}

/** Where the proxy forwards each service's calls (either may be absent when unused), and how. */
export interface AwsProxyOptions {
  sqs?: string;
  dynamodb?: string;
  /** The fault plan for the first calls (default: forward all); `setPlan` replaces it. */
  plan?: AwsFaultPlan;
  observer?: AwsCallObserver;
}

/** A loopback HTTP proxy in front of the SQS and DynamoDB emulators. */
export interface AwsProxy {
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

function send(res: ServerResponse, answer: ProxyAnswer): void {
  res.writeHead(answer.status, framedHeaders(answer.headers, answer.body.length));
  res.end(answer.body);
}

/**
 * Starts the one AWS proxy of the tests and the bench: a loopback HTTP
 * server in front of the SQS and DynamoDB emulators that reads each call's
 * service and operation (`X-Amz-Target`), counts calls per operation, and
 * follows a fault plan per call — forward, delay or stall, refuse or
 * throttle or fail with a 5xx, rewrite the answer, or drop the connection
 * before the call or after it was applied (the answer lost). The plan can
 * change while it runs (`setPlan`), so one proxy serves a whole scenario of
 * faults and recovery; an observer sees every exchange (the bench counts
 * cost with it), and `GET REPORT_PATH` shows the counts to another process.
 *
 * @example
 * ```ts
 * const proxy = await startAwsProxy({
 *   sqs: emulators.sqsEndpoint,
 *   dynamodb: emulators.dynamoEndpoint,
 *   plan: ({ action }) => (action === 'PutItem' ? { kind: 'fail', ...AWS_ERRORS.dynamodb.throttling } : { kind: 'forward' }),
 * });
 * // point AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB at proxy.endpoint
 * await proxy.close();
 * ```
 */
export async function startAwsProxy(options: AwsProxyOptions): Promise<AwsProxy> {
  const upstreams = new Map<AwsService, UpstreamForwarder>();
  if (options.sqs !== undefined) upstreams.set('sqs', new UpstreamForwarder(new URL(options.sqs)));
  if (options.dynamodb !== undefined) {
    upstreams.set('dynamodb', new UpstreamForwarder(new URL(options.dynamodb)));
  }
  const { observer } = options;
  const calls = new CallTally();
  const faults = new CallTally();
  let plan = options.plan ?? FORWARD_ALL;

  const report = (): AwsProxyReport => ({
    calls: Object.fromEntries(calls.counts),
    faults: Object.fromEntries(faults.counts),
    ...(observer?.report === undefined ? {} : { observed: observer.report() }),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = await readBody(req);
    const target = parseAwsTarget(req.headers['x-amz-target'], body);
    const upstream = target === undefined ? undefined : upstreams.get(target.service);
    if (target === undefined || upstream === undefined) {
      res.writeHead(BAD_GATEWAY).end();
      return;
    }
    const decision = plan({ ...target, index: calls.add(target.action) });
    const kind = faultKind(decision);
    if (kind !== undefined) faults.add(kind);
    if (observer?.prepare !== undefined) body = observer.prepare(target, body);
    const forward = (): Promise<ProxyAnswer> =>
      upstream.forward({ method: req.method, path: req.url, headers: req.headers, body });

    let answer: ProxyAnswer;
    switch (decision.kind) {
      case 'fail':
        answer = faultAnswer(target.service, decision.status, decision.errorType);
        break;
      case 'drop':
        if (decision.when === 'after') await forward();
        req.socket.destroy();
        return;
      case 'forward':
        if (decision.delayMs !== undefined) await delay(decision.delayMs);
        await decision.until;
        answer = await forward();
        break;
      case 'rewrite': {
        const honest = await forward();
        const parsed = JSON.parse(honest.body.toString('utf8')) as Record<string, unknown>;
        answer = { ...honest, body: Buffer.from(JSON.stringify(decision.rewrite(parsed))) };
        break;
      }
    }
    send(res, answer);
    observer?.observe({ target, status: answer.status, request: body, response: answer.body });
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === REPORT_PATH) {
      const json = Buffer.from(JSON.stringify(report()));
      send(res, { status: OK, headers: { 'content-type': 'application/json' }, body: json });
      return;
    }
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(BAD_GATEWAY);
      res.end();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${String(port)}`,
    calls: calls.counts,
    faults: faults.counts,
    setPlan: (next) => {
      plan = next;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        for (const upstream of upstreams.values()) upstream.close();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
