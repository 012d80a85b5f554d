import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { spanContextOf, sluiceTracer, TRACEPARENT } from './trace-context.js';

/** `messaging.system` of SQS in the messaging conventions. */
const MESSAGING_SYSTEM = 'aws_sqs';

/** A job's PRODUCER span and the trace context its message carries. */
export interface SendSpan {
  /** The span's W3C context, for the envelope (undefined when tracing is off). */
  readonly traceparent: string | undefined;
  /** Runs the send in the span's context and ends the span with its outcome. */
  around<T>(send: () => Promise<T>): Promise<T>;
}

/** Ends `span` with the outcome of `work`, naming only the error's type. */
async function endWith<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const type = error instanceof Error ? error.name : 'unknown';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts the PRODUCER span of one job's message (`send <channel>`, messaging
 * conventions) under the active context: its context is what the message
 * carries (the creation context a consumer links to), and the queue call
 * made in it nests under it.
 *
 * @example
 * ```ts
 * const send = startSendSpan('default', jobId);
 * const envelope = { ...fields, traceparent: send.traceparent };
 * const sent = await send.around(() => producer.send(encodeEnvelope(envelope)));
 * ```
 */
export function startSendSpan(channel: string, jobId: string): SendSpan {
  const span = sluiceTracer.startSpan(`send ${channel}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': MESSAGING_SYSTEM,
      'messaging.operation.type': 'send',
      'messaging.destination.name': channel,
      'sluice.job.id': jobId,
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const carrier: Record<string, string> = {};
  propagation.inject(spanContext, carrier);
  return {
    traceparent: carrier[TRACEPARENT],
    around: (send) => context.with(spanContext, () => endWith(span, send)),
  };
}

/** What the processing span of one job is about. */
export interface ProcessSpanFields {
  channel: string;
  jobId: string;
  type: string;
  /** The message's creation context (the envelope's). */
  traceparent: string | undefined;
}

/**
 * Runs one job's processing under its CONSUMER span (`process <channel>`),
 * which continues the trace the job was submitted in and links to its
 * creation context, as the messaging conventions prescribe for a message of
 * a batch: the job's whole life is one trace, and a batch-level view still
 * finds every message by its link. The processor runs with the span active,
 * so its own spans nest under it. An untraced job (no context, or tracing
 * off) gets a span of its own trace, or the no-op.
 *
 * @example
 * ```ts
 * const outcome = await inProcessSpan({ channel, jobId, type, traceparent }, () => run());
 * ```
 */
export function inProcessSpan<T>(
  fields: ProcessSpanFields,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const created = spanContextOf(fields.traceparent);
  const links: Link[] = created === undefined ? [] : [{ context: created }];
  const parent =
    created === undefined ? context.active() : trace.setSpanContext(context.active(), created);
  const span = sluiceTracer.startSpan(
    `process ${fields.channel}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': MESSAGING_SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.destination.name': fields.channel,
        'sluice.job.id': fields.jobId,
        'sluice.job.type': fields.type,
      },
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), () => endWith(span, () => work(span)));
}
