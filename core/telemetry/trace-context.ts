import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/** The W3C header that carries a trace context. */
export const TRACEPARENT = 'traceparent';

/** The tracer of every Sluice span (one instrumentation scope). */
export const sluiceTracer = trace.getTracer('sluice');

/**
 * The active context as a W3C `traceparent`, to carry with a job (its
 * message envelope), or `undefined` when no trace is active or tracing is
 * off (the API's no-op propagator injects nothing).
 *
 * @example
 * ```ts
 * const envelope = { ...fields, traceparent: activeTraceparent() };
 * ```
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[TRACEPARENT];
}

/**
 * The context a `traceparent` names (a remote parent), for a consumer to
 * continue or link to the trace a job was submitted in. Without one, or
 * with tracing off, the root context.
 *
 * @example
 * ```ts
 * const submitted = trace.getSpanContext(contextFromTraceparent(envelope.traceparent));
 * ```
 */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent });
}

/** The span context a `traceparent` names, when it names a valid one. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const spanContext = trace.getSpanContext(contextFromTraceparent(traceparent));
  return spanContext !== undefined && trace.isSpanContextValid(spanContext)
    ? spanContext
    : undefined;
}

/** The W3C traceparent form: version 00, 32 hex trace id, 16 hex span id, 2 hex flags. */
const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace id in a `traceparent` (parsed without the SDK, so a job's record
 * keeps it whatever the process has configured), or `''`.
 *
 * @example
 * ```ts
 * traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'); // '4bf92f35…'
 * ```
 */
export function traceIdOf(traceparent: string | undefined): string {
  return TRACEPARENT_PATTERN.exec(traceparent ?? '')?.[1] ?? '';
}
