import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { ProxyAnswer } from './aws-faults.js';

/** Keep-alive sockets to each emulator: more than any client here keeps in flight. */
const MAX_UPSTREAM_SOCKETS = 256;
const BAD_GATEWAY = 502;
/** Headers that describe a body's framing, recomputed because bodies are sent whole. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/** One request to pass on, its body read whole. */
export interface ForwardedRequest {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

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

/**
 * The headers of a message without those of its framing, with the length of
 * the body it is sent with.
 *
 * @example
 * ```ts
 * res.writeHead(answer.status, framedHeaders(answer.headers, answer.body.length));
 * ```
 */
export function framedHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[]>,
  length: number,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !FRAMING_HEADERS.has(name)) out[name] = value;
  }
  out['content-length'] = String(length);
  return out;
}

/**
 * Passes requests on to one upstream (an emulator) over kept-alive sockets
 * and reads each answer whole. The Host header is kept, so the queue URLs
 * the emulator hands out point back at the proxy and every later call stays
 * behind it.
 *
 * @example
 * ```ts
 * const forwarder = new UpstreamForwarder(new URL(emulators.dynamoEndpoint));
 * const answer = await forwarder.forward({ method, path, headers, body });
 * forwarder.close();
 * ```
 */
export class UpstreamForwarder {
  readonly #upstream: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: MAX_UPSTREAM_SOCKETS });

  constructor(upstream: URL) {
    this.#upstream = upstream;
  }

  /** Sends `outgoing` upstream; resolves with the whole answer. */
  forward(outgoing: ForwardedRequest): Promise<ProxyAnswer> {
    return new Promise((resolve, reject) => {
      const call = request(
        {
          host: this.#upstream.hostname,
          port: this.#upstream.port,
          method: outgoing.method,
          path: outgoing.path,
          headers: framedHeaders(outgoing.headers, outgoing.body.length),
          agent: this.#agent,
        },
        (response) => {
          readBody(response).then((body) => {
            resolve({
              status: response.statusCode ?? BAD_GATEWAY,
              headers: framedHeaders(response.headers, body.length),
              body,
            });
          }, reject);
        },
      );
      call.on('error', reject);
      call.end(outgoing.body);
    });
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}
