import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one SQS call. */
export type SqsFaultDecision =
  /** Forward, after `delayMs` and once `until` resolved, when given (to reorder or stall calls). */
  | { kind: 'forward'; delayMs?: number; until?: Promise<void> }
  /** Answer with an AWS JSON-protocol error instead of forwarding. */
  | { kind: 'fail'; status: number; errorType: string }
  /** Forward, then change the parsed JSON answer before the client sees it. */
  | { kind: 'rewrite'; rewrite: (answer: Record<string, unknown>) => Record<string, unknown> };

/** Picks the decision for the `index`-th call (from 0) of `action`, e.g. `SendMessageBatch`. */
export type SqsFaultPlan = (action: string, index: number) => SqsFaultDecision;

/** A loopback HTTP proxy in front of an SQS endpoint that injects faults. */
export interface SqsFaultProxy {
  /** `http://127.0.0.1:<port>`: point an SQS client here. */
  readonly endpoint: string;
  /** Calls seen, by action. */
  readonly calls: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forward(
  target: URL,
  incoming: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (response) => {
        readBody(response).then(
          (answer) =>
            resolve({
              status: response.statusCode ?? 500,
              headers: { 'content-type': response.headers['content-type'] ?? 'application/json' },
              body: answer,
            }),
          reject,
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Starts a fault-injecting proxy for SQS's JSON protocol (the action comes
 * from the `X-Amz-Target` header): the honest way to make a real emulator
 * answer "500" or "entry failed" exactly when a test needs it.
 *
 * @example
 * ```ts
 * const proxy = await startSqsFaultProxy(sqsEndpoint, (action, i) =>
 *   action === 'SendMessageBatch' && i === 0 ? { kind: 'fail', status: 500, errorType: 'InternalError' } : { kind: 'forward' });
 * ```
 */
export async function startSqsFaultProxy(
  targetEndpoint: string,
  plan: SqsFaultPlan,
): Promise<SqsFaultProxy> {
  const target = new URL(targetEndpoint);
  const calls = new Map<string, number>();
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const action = String(incoming.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const index = calls.get(action) ?? 0;
    calls.set(action, index + 1);
    const decision = plan(action, index);
    if (decision.kind === 'fail') {
      outgoing.writeHead(decision.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${decision.errorType};Receiver`,
      });
      outgoing.end(JSON.stringify({ __type: decision.errorType, message: 'injected fault' }));
      return;
    }
    if (decision.kind === 'forward' && decision.delayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    }
    if (decision.kind === 'forward') await decision.until;
    const answer = await forward(target, incoming, body);
    const changed =
      decision.kind === 'rewrite'
        ? Buffer.from(
            JSON.stringify(
              decision.rewrite(JSON.parse(answer.body.toString()) as Record<string, unknown>),
            ),
          )
        : answer.body;
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(changed);
  };
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => {
      outgoing.writeHead(502);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
