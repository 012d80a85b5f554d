import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../core/logging/logger.js';
import { callSignal } from './call-signal.js';
import { statusFromError } from './error-status.js';
import { inServerSpan, startServerSpan } from './server-span.js';

/** The job a call is about: the request's `jobId`, else the response's (SubmitJob's new id). */
function jobIdOf(...messages: unknown[]): { jobId?: string } {
  for (const message of messages) {
    const jobId = (message as { jobId?: unknown } | undefined)?.jobId;
    if (typeof jobId === 'string' && jobId !== '') return { jobId };
  }
  return {};
}

/**
 * Adapts an async function to a grpc-js unary handler: its result is the
 * response, anything it throws becomes the call's status in the one place
 * that maps errors (`statusFromError`). `run` gets a signal that aborts
 * when the call ends early (deadline or cancel), so it can stop working, and
 * runs inside the call's server span (`startServerSpan`). At
 * debug level every call is logged with its code and duration; the lines
 * of a call about a job carry its `jobId`, and are written in the server
 * span, so they carry its `trace_id` and `span_id` too.
 *
 * @example
 * ```ts
 * const getJob = unaryHandler(log, 'GetJob', async (call) => ({ job: await find(call.request.jobId) }));
 * ```
 */
export function unaryHandler<Request, Response>(
  logger: Logger,
  method: string,
  run: (call: ServerUnaryCall<Request, Response>, signal: AbortSignal) => Promise<Response>,
): handleUnaryCall<Request, Response> {
  const log = logger.child({ method });
  return (call, callback) => {
    const started = performance.now();
    const server = startServerSpan(method, call.metadata);
    // Never rejects: every outcome is answered (and logged) inside the span, before it ends.
    void inServerSpan(server, async () => {
      let response: Response;
      try {
        response = await run(call, callSignal(call));
      } catch (error) {
        const callLog = log.child(jobIdOf(call.request));
        const status = statusFromError(error, callLog);
        if (callLog.isLevelEnabled('debug')) {
          callLog.debug(
            { code: status.code, durationMs: performance.now() - started },
            'call failed',
          );
        }
        callback(status);
        server.end(status.code);
        return;
      }
      if (log.isLevelEnabled('debug')) {
        log.debug(
          {
            ...jobIdOf(call.request, response),
            code: 'OK',
            durationMs: performance.now() - started,
          },
          'call answered',
        );
      }
      callback(null, response);
      server.end(0);
    });
  };
}
