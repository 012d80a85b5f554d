import { createRequire } from 'node:module';
import type { Metadata } from '@grpc/grpc-js';

/** The parts of `@opentelemetry/api` the client uses, so it needs no types from it. */
interface OpenTelemetryApi {
  context: { active(): unknown };
  trace: {
    getSpanContext(
      context: unknown,
    ): { traceId: string; spanId: string; traceFlags: number } | undefined;
    isSpanContextValid(spanContext: { traceId: string; spanId: string }): boolean;
  };
  propagation: {
    inject(context: unknown, carrier: Record<string, string>): void;
  };
}

/** The W3C header of a trace context. */
const TRACEPARENT = 'traceparent';
/** The W3C trace context version the client writes when no propagator is registered. */
const TRACEPARENT_VERSION = '00';
const HEX = 16;
const FLAGS_WIDTH = 2;

/**
 * `@opentelemetry/api` when the application has it, else `undefined`: an
 * optional peer dependency, so a caller without OpenTelemetry installs
 * nothing more. Loaded once, synchronously (its CommonJS build): the API
 * keeps its state on `globalThis`, so this copy sees the context manager
 * and propagators the application registered through its ES module.
 */
function loadApi(): OpenTelemetryApi | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    return undefined;
  }
}

let api: OpenTelemetryApi | undefined | null = null;

/**
 * Adds the caller's active OpenTelemetry context to a call's metadata as
 * W3C trace context (`traceparent`, and `tracestate`/`baggage` when the
 * application's propagators write them), so the front's spans continue the
 * caller's trace. Nothing happens without `@opentelemetry/api` or without
 * an active, valid span context. With the API but no registered propagator
 * (no SDK started), the `traceparent` is written from the span context.
 *
 * @example
 * ```ts
 * const metadata = new Metadata();
 * addTraceContext(metadata);
 * ```
 */
export function addTraceContext(metadata: Metadata): void {
  if (api === null) api = loadApi();
  if (api === undefined) return;
  const active = api.context.active();
  const spanContext = api.trace.getSpanContext(active);
  if (spanContext === undefined || !api.trace.isSpanContextValid(spanContext)) return;
  const carrier: Record<string, string> = {};
  api.propagation.inject(active, carrier);
  carrier[TRACEPARENT] ??= [
    TRACEPARENT_VERSION,
    spanContext.traceId,
    spanContext.spanId,
    spanContext.traceFlags.toString(HEX).padStart(FLAGS_WIDTH, '0'),
  ].join('-');
  for (const [key, value] of Object.entries(carrier)) metadata.set(key, value);
}
