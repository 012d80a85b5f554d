import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { cors, type ConnectRouter } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from '../../core/logging/logger.js';
import { connectJobService } from './connect-job-service.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { staticFiles } from './static-files.js';

/** The web port (dashboard and browser API) unless told otherwise. */
export const DEFAULT_WEB_PORT = 8081;
const HTTP_NO_CONTENT = 204;
const HTTP_FORBIDDEN = 403;
/** How long a browser may cache a CORS preflight answer, in seconds. */
const CORS_MAX_AGE_SECONDS = 7_200;

/** Options of `startWebServer`. */
export interface WebServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** The dashboard's built files; unset: the browser API only. */
  webRoot: string | undefined;
  /** Origins besides the front's own that may call the API (CORS); default none. */
  allowedOrigins?: readonly string[];
  /** TLS (HTTP/2 with HTTP/1.1 fallback); unset: plain HTTP/1.1. */
  tls?: { certChain: Buffer; privateKey: Buffer };
  heartbeatMs?: number;
  logger: Logger;
}

/** A running web server. */
export interface WebServer {
  readonly port: number;
  close(): Promise<void>;
}

type NodeRequest = IncomingMessage;
type NodeResponse = ServerResponse;

/** Answers CORS for an allowed foreign origin; false when the request may go on. */
function handleCors(
  request: NodeRequest,
  response: NodeResponse,
  allowed: ReadonlySet<string>,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || !allowed.has(origin)) {
    // Same origin, or not allowed: no CORS headers, so a browser refuses foreign reads.
    if (request.method === 'OPTIONS' && origin !== undefined) {
      response.writeHead(HTTP_FORBIDDEN).end();
      return true;
    }
    return false;
  }
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('vary', 'origin');
  response.setHeader('access-control-expose-headers', cors.exposedHeaders.join(', '));
  if (request.method !== 'OPTIONS') return false;
  response.writeHead(HTTP_NO_CONTENT, {
    'access-control-allow-methods': cors.allowedMethods.join(', '),
    'access-control-allow-headers': [...cors.allowedHeaders, 'authorization'].join(', '),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  });
  response.end();
  return true;
}

/**
 * Starts the front's web port: the JobService for browsers over Connect and
 * gRPC-Web (same handlers as the gRPC port, see `connectJobService`) under
 * `/sluice.v1.JobService/`, and the dashboard's static files everywhere
 * else, every response with the security headers (strict CSP, nosniff) and
 * CORS only for configured origins. With `tls`, HTTPS (HTTP/2, HTTP/1.1
 * fallback), so keys never cross a network in clear text.
 *
 * @example
 * ```ts
 * const web = await startWebServer({ host, port: 8081, definition, implementation, webRoot, logger });
 * ```
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const routes = (router: ConnectRouter): void =>
    connectJobService(router, {
      definition: options.definition,
      implementation: options.implementation,
      heartbeatMs: options.heartbeatMs,
    });
  // The static handler uses only what HTTP/1.1 and HTTP/2 requests share.
  const api = connectNodeAdapter({ routes, fallback: staticFiles(options.webRoot) as never });
  const allowed = new Set(options.allowedOrigins ?? []);
  const handle = (request: NodeRequest, response: NodeResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (handleCors(request, response, allowed)) return;
    api(request, response);
  };
  const server: Server | Http2SecureServer =
    options.tls === undefined
      ? createServer(handle)
      : createSecureServer(
          { cert: options.tls.certChain, key: options.tls.privateKey, allowHTTP1: true },
          handle as never,
        );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ webPort: port, tls: options.tls !== undefined }, 'web serving');
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
