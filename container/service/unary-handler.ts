import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../core/logging/logger.js';
import { callSignal } from './call-signal.js';
import { statusFromError } from './error-status.js';
import { inServerSpan, startServerSpan } from './server-span.js';

/**
 * Adapts an async function to a grpc-js unary handler: its result is the
 * response, anything it throws becomes the call's status in the one place
 * that maps errors (`statusFromError`). `run` gets a signal that aborts
 * when the call ends early (deadline or cancel), so it can stop working, and
 * runs inside the call's server span (`startServerSpan`). At
 * debug level every call is logged with its code and duration.
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
    inServerSpan(server, () => run(call, callSignal(call))).then(
      (response) => {
        callback(null, response);
        server.end(0);
        if (log.isLevelEnabled('debug')) {
          log.debug({ code: 'OK', durationMs: performance.now() - started }, 'call answered');
        }
      },
      (error: unknown) => {
        const status = statusFromError(error, log);
        callback(status);
        server.end(status.code);
        if (log.isLevelEnabled('debug')) {
          log.debug({ code: status.code, durationMs: performance.now() - started }, 'call failed');
        }
      },
    );
  };
}
