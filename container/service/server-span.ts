import type { Metadata } from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { sluiceTracer } from '../../core/telemetry/trace-context.js';

/** The gRPC service every server span belongs to. */
const SERVICE = 'sluice.v1.JobService';
/** grpc-js's code of a call that succeeded. */
const GRPC_OK = 0;

/** Reads W3C trace headers (`traceparent`, `tracestate`) from gRPC metadata. */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).filter((value): value is string => typeof value === 'string');
    return values.length === 0 ? undefined : values;
  },
};

/** A call's server span and the context it is active in. */
export interface ServerSpan {
  readonly span: Span;
  /** The context to run the call's work in: its spans and its jobs' trace context come from it. */
  readonly context: Context;
  /** Ends the span with the call's gRPC status code (0: OK). */
  end(code: number): void;
}

/**
 * Starts the SERVER span of one RPC (`sluice.v1.JobService/SubmitJob`, with the
 * `rpc.*` attributes of the gRPC conventions), continuing the trace a client
 * sent in its `traceparent` metadata (W3C), or a new one. With tracing off
 * the span is the API's no-op and nothing is extracted. Manual rather than
 * `instrumentation-grpc`: its require hooks do not patch an ESM import.
 *
 * @example
 * ```ts
 * const server = startServerSpan('GetJob', call.metadata);
 * const response = await context.with(server.context, () => getJob(call));
 * server.end(0);
 * ```
 */
export function startServerSpan(method: string, metadata: Metadata): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const span = sluiceTracer.startSpan(
    `${SERVICE}/${method}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'grpc', 'rpc.service': SERVICE, 'rpc.method': method },
    },
    parent,
  );
  return {
    span,
    context: trace.setSpan(parent, span),
    end: (code) => {
      span.setAttribute('rpc.grpc.status_code', code);
      if (code !== GRPC_OK) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** Runs `work` with the server span's context active (its awaits keep it). */
export function inServerSpan<T>(server: ServerSpan, work: () => T): T {
  return context.with(server.context, work);
}
