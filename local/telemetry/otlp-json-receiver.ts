import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The OTLP/HTTP path of traces. */
export const OTLP_TRACES_PATH = '/v1/traces';
/** HTTP statuses the receiver answers. */
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
const HTTP_UNSUPPORTED_MEDIA_TYPE = 415;
const HTTP_BAD_REQUEST = 400;

/** An OTLP attribute value, as OTLP/JSON writes it. */
export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

/** One span as received (OTLP/JSON: ids in hex), with its resource's `service.name`. */
export interface ReceivedSpan {
  serviceName: string;
  scopeName: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  links: { traceId: string; spanId: string }[];
  attributes: Record<string, string | number | boolean>;
  /** Start, epoch nanoseconds (as OTLP/JSON writes it: a decimal string). */
  startTimeUnixNano: string;
  /** The span's duration in milliseconds. */
  durationMs: number;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        links?: { traceId: string; spanId: string }[];
        attributes?: OtlpKeyValue[];
        startTimeUnixNano?: string | number;
        endTimeUnixNano?: string | number;
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function plain(value: OtlpValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  return value.doubleValue ?? '';
}

function attributeMap(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

const NANOS_PER_MS = 1_000_000n;
const MS_FRACTION = 1_000;

function durationMs(start: string | number | undefined, end: string | number | undefined): number {
  if (start === undefined || end === undefined) return 0;
  const nanos = BigInt(end) - BigInt(start);
  return Number((nanos * BigInt(MS_FRACTION)) / NANOS_PER_MS) / MS_FRACTION;
}

/** Flattens one OTLP/JSON export request into its spans. */
export function spansOfRequest(request: OtlpTraceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributeMap(resourceSpans.resource?.attributes);
    const serviceName = String(resource['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        serviceName,
        scopeName: scopeSpans.scope?.name ?? '',
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind ?? 0,
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        attributes: attributeMap(span.attributes),
        startTimeUnixNano: String(span.startTimeUnixNano ?? 0),
        durationMs: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
        statusCode: span.status?.code ?? 0,
      })),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A running OTLP/HTTP (JSON) trace receiver. */
export interface OtlpJsonReceiver {
  /** `http://127.0.0.1:<port>`: the value of `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  /** Every span received so far. */
  readonly spans: readonly ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP trace receiver for `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`:
 * it accepts `POST /v1/traces`, keeps the spans and hands each to
 * `onSpan`. What the tests collect spans with, and what `npm run traces`
 * prints a local run's traces with — no collector or viewer to install.
 *
 * @example
 * ```ts
 * const receiver = await startOtlpJsonReceiver({ port: 0 });
 * process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
 * ```
 */
export async function startOtlpJsonReceiver(options: {
  host?: string;
  port: number;
  onSpan?: (span: ReceivedSpan) => void;
}): Promise<OtlpJsonReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== OTLP_TRACES_PATH) {
      response.writeHead(HTTP_NOT_FOUND).end();
      return;
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      response.writeHead(HTTP_UNSUPPORTED_MEDIA_TYPE).end('only http/json is understood');
      return;
    }
    readBody(request).then(
      (body) => {
        let received: ReceivedSpan[];
        try {
          received = spansOfRequest(JSON.parse(body) as OtlpTraceRequest);
        } catch {
          response.writeHead(HTTP_BAD_REQUEST).end();
          return;
        }
        spans.push(...received);
        for (const span of received) options.onSpan?.(span);
        response.writeHead(HTTP_OK, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(HTTP_BAD_REQUEST).end(),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    spans,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
