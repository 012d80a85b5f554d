import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../core/logging/logger.js';
import { statusFromError } from './error-status.js';

/**
 * Adapts an async function to a grpc-js unary handler: its result is the
 * response, anything it throws becomes the call's status in the one place
 * that maps errors (`statusFromError`).
 *
 * @example
 * ```ts
 * const getJob = unaryHandler(log, 'GetJob', async (call) => ({ job: await find(call.request.jobId) }));
 * ```
 */
export function unaryHandler<Request, Response>(
  logger: Logger,
  method: string,
  run: (call: ServerUnaryCall<Request, Response>) => Promise<Response>,
): handleUnaryCall<Request, Response> {
  const log = logger.child({ method });
  return (call, callback) => {
    run(call).then(
      (response) => callback(null, response),
      (error: unknown) => callback(statusFromError(error, log)),
    );
  };
}
