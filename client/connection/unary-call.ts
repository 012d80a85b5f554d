import { setTimeout as delay } from 'node:timers/promises';
import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { status as Status } from '@grpc/grpc-js';
import { Backoff, type RetryOptions } from '../retry/backoff.js';
import { isRetryableFailure } from '../retry/retryable-failure.js';
import { SluiceClientError } from '../sluice-client-error.js';
import type { JobServiceConnection } from './job-service-connection.js';

/**
 * How one unary call is run.
 *
 * @example
 * ```ts
 * const policy: UnaryCallPolicy = { deadlineMs: 30_000, connectTimeoutMs: 5_000, retry: DEFAULT_RETRY_OPTIONS, retryable: true };
 * ```
 */
export interface UnaryCallPolicy {
  /** The budget of the whole call, retries included. */
  deadlineMs: number;
  /** The longest wait for a connection per attempt. */
  connectTimeoutMs: number;
  retry: RetryOptions;
  /** Whether repeating the request is safe (reads, keyed submits). */
  retryable: boolean;
  signal?: AbortSignal;
}

/**
 * Starts one attempt of a generated-client unary method.
 *
 * @example
 * ```ts
 * const invoke: UnaryInvoker<GetJobResponse> = (metadata, options, callback) =>
 *   connection.grpc.getJob({ jobId }, metadata, options, callback);
 * ```
 */
export type UnaryInvoker<Response> = (
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => ClientUnaryCall;

/**
 * A unary call's response and how many attempts it took.
 *
 * @example
 * ```ts
 * const { response, attempts }: UnaryOutcome<GetJobResponse> = await callUnary(connection, policy, invoke);
 * ```
 */
export interface UnaryOutcome<Response> {
  response: Response;
  attempts: number;
}

/**
 * Runs a unary call within one overall deadline: each attempt first waits for
 * a connection, then calls with the remaining time. Connection failures are
 * retried with backoff when the policy says the call is safe to repeat;
 * everything else — and every failure of an unsafe call — surfaces as a
 * `SluiceClientError`.
 *
 * @example
 * ```ts
 * const { response } = await callUnary(connection, policy, (metadata, options, callback) =>
 *   connection.grpc.getJob({ jobId }, metadata, options, callback),
 * );
 * ```
 */
export async function callUnary<Response>(
  connection: JobServiceConnection,
  policy: UnaryCallPolicy,
  invoke: UnaryInvoker<Response>,
): Promise<UnaryOutcome<Response>> {
  const deadline = Date.now() + policy.deadlineMs;
  const backoff = new Backoff(policy.retry);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw deadlineExceeded(policy.deadlineMs);
      await connection.ready(Math.min(policy.connectTimeoutMs, remainingMs), policy.signal);
      const response = await invokeOnce(connection, invoke, deadline, policy.signal);
      return { response, attempts: attempt };
    } catch (error) {
      policy.signal?.throwIfAborted();
      const failure = SluiceClientError.from(error);
      if (
        !policy.retryable ||
        attempt >= policy.retry.maxAttempts ||
        !isRetryableFailure(failure)
      ) {
        throw failure;
      }
      const waitMs = backoff.next();
      if (Date.now() + waitMs >= deadline) throw failure;
      // The timer rejects with an AbortError: the caller gets the signal's own reason instead.
      await delay(waitMs, undefined, { signal: policy.signal }).catch(() =>
        policy.signal?.throwIfAborted(),
      );
    }
  }
}

function invokeOnce<Response>(
  connection: JobServiceConnection,
  invoke: UnaryInvoker<Response>,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const call = invoke(
      connection.metadata(),
      { deadline: new Date(deadline) },
      (error, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (error === null) resolve(response);
        else reject(SluiceClientError.fromStatus(error));
      },
    );
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function deadlineExceeded(deadlineMs: number): SluiceClientError {
  return new SluiceClientError({
    code: Status.DEADLINE_EXCEEDED,
    details: `the call did not complete within ${deadlineMs} ms`,
  });
}
