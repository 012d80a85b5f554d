import type { LocalRuntime } from '../../../local/local-runtime.js';

/**
 * The URL of the `default` channel's queue of a local runtime: where every
 * job of the fault tests goes.
 *
 * @example
 * ```ts
 * const drained = await drainQueue(runtime.clients.sqs, defaultQueueUrl(runtime));
 * ```
 */
export function defaultQueueUrl(runtime: LocalRuntime): string {
  const queues = runtime.queues.get('default');
  if (queues === undefined) throw new Error('the runtime has no default channel');
  return queues.queueUrl;
}
