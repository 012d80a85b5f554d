import {
  startAwsFaultProxy,
  type AwsFaultDecision,
  type AwsFaultProxy,
} from '../../test/support/aws-fault-proxy.js';

/** What the proxy does with one SQS call. */
export type SqsFaultDecision = AwsFaultDecision;

/** Picks the decision for the `index`-th call (from 0) of `action`, e.g. `SendMessageBatch`. */
export type SqsFaultPlan = (action: string, index: number) => SqsFaultDecision;

/** A loopback HTTP proxy in front of an SQS endpoint that injects faults. */
export type SqsFaultProxy = Pick<AwsFaultProxy, 'endpoint' | 'calls' | 'close'>;

/**
 * Starts a fault-injecting proxy for SQS's JSON protocol alone: the shared
 * `startAwsFaultProxy` with a plan that looks at the action and its index.
 *
 * @example
 * ```ts
 * const proxy = await startSqsFaultProxy(sqsEndpoint, (action, i) =>
 *   action === 'SendMessageBatch' && i === 0 ? { kind: 'fail', status: 500, errorType: 'InternalError' } : { kind: 'forward' });
 * ```
 */
export function startSqsFaultProxy(
  targetEndpoint: string,
  plan: SqsFaultPlan,
): Promise<SqsFaultProxy> {
  return startAwsFaultProxy({ sqs: targetEndpoint }, ({ action, index }) => plan(action, index));
}
