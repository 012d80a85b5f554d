import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * A structured logger: JSON, one event a line, with context fields (job id,
 * channel, tenant, request id) bound by `child`, and the trace and span ids
 * of the span it is logged in. Never log payloads or secrets.
 */
export type Logger = PinoLogger;

/**
 * Creates the process's root logger. `SLUICE_LOG_LEVEL` sets the level
 * (default `info`; `silent` turns logging off, as tests do). Lines go to
 * stdout unless a `destination` is given (a test reading its lines).
 *
 * @example
 * ```ts
 * const log = createLogger('front').child({ requestId });
 * log.info({ jobId }, 'job accepted');
 * ```
 */
export function createLogger(
  component: string,
  level = process.env.SLUICE_LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { component },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/**
 * The ids of the span a line is logged in (`trace_id`, `span_id`, as
 * OpenTelemetry's log correlation names them), so a log line joins its
 * trace; nothing when no span is recording (tracing off: one lookup).
 */
function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
