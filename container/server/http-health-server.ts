import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of `startHttpHealthServer`. */
export interface HttpHealthServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Whether the front serves now. */
  isServing: () => boolean;
  /** The metrics served at `/metrics` (Prometheus text: `FrontMetrics`). */
  metrics?: () => Promise<ScrapedMetrics>;
}

/** A scrape's answer: the body and its content type. */
export interface ScrapedMetrics {
  contentType: string;
  body: string;
}

/** A running HTTP health endpoint. */
export interface HttpHealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The HTTP status of a serving front. */
const HTTP_OK = 200;
/** The HTTP status of a front that is starting or draining. */
const HTTP_UNAVAILABLE = 503;
/** The HTTP status of a scrape that failed. */
const HTTP_INTERNAL_ERROR = 500;
/** The path of the metrics. */
const METRICS_PATH = '/metrics';

/**
 * A plain HTTP health endpoint for load balancers that do not speak gRPC
 * (the NLB target group): any GET answers 200 `{"status":"SERVING"}` while
 * the front serves and 503 `{"status":"NOT_SERVING"}` while it starts or
 * drains. `GET /metrics` answers the front's metrics as Prometheus text.
 *
 * @example
 * ```ts
 * const health = await startHttpHealthServer({ host: '0.0.0.0', port: 8080, isServing: () => serving });
 * ```
 */
export async function startHttpHealthServer(
  options: HttpHealthServerOptions,
): Promise<HttpHealthServer> {
  const server: Server = createServer((request, response) => {
    if (options.metrics !== undefined && request.url === METRICS_PATH) {
      options.metrics().then(
        ({ contentType, body }) => {
          response.writeHead(HTTP_OK, { 'content-type': contentType, 'cache-control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : body);
        },
        () => response.writeHead(HTTP_INTERNAL_ERROR).end(),
      );
      return;
    }
    const serving = options.isServing();
    response.writeHead(serving ? HTTP_OK : HTTP_UNAVAILABLE, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      connection: 'close',
    });
    response.end(
      request.method === 'HEAD'
        ? undefined
        : JSON.stringify({ status: serving ? 'SERVING' : 'NOT_SERVING' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
