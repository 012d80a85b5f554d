import { CallEndedError } from '../errors/call-ended-error.js';

/** The part of a grpc-js server call that says when it ended early. */
export interface CancellableCall {
  readonly cancelled: boolean;
  once(event: 'cancelled', listener: () => void): unknown;
}

/**
 * An `AbortSignal` that aborts (with a `CallEndedError`) when the call is
 * cancelled — by the client, or by grpc-js when the client's deadline
 * passes — so the work done for it can stop.
 *
 * @example
 * ```ts
 * const signal = callSignal(call);
 * await submitter.submit(tenant, submission, { signal });
 * ```
 */
export function callSignal(call: CancellableCall): AbortSignal {
  const controller = new AbortController();
  const end = (): void =>
    controller.abort(new CallEndedError('the call ended (deadline or cancel) before its work did'));
  if (call.cancelled) end();
  else call.once('cancelled', end);
  return controller.signal;
}

/** The part of a call that says when its deadline passes: grpc-js's `Deadline`, a `Date` or epoch ms. */
export interface DeadlinedCall {
  getDeadline(): Date | number;
}

/**
 * The epoch ms at which the call's deadline passes (`Infinity` without
 * one). The call's signal aborts only when grpc-js's deadline timer has run,
 * which on a busy event loop can be well after the deadline: work that must
 * not start late (an enqueue) also checks this against the clock.
 *
 * @example
 * ```ts
 * await submitter.submit(tenant, submission, { signal, deadline: callDeadline(call) });
 * ```
 */
export function callDeadline(call: DeadlinedCall): number {
  const deadline = call.getDeadline();
  return deadline instanceof Date ? deadline.getTime() : deadline;
}
