import { PermissionDeniedError } from '../../core/errors/index.js';
import type { CallerIdentity } from './authenticator.js';

/**
 * Refuses an operator-only request from a caller whose key has the `tenant`
 * role: PERMISSION_DENIED (the caller is known, so not UNAUTHENTICATED),
 * naming the request field that needs the role and how to get such a key.
 * Operator-only requests are those that show figures shared by all tenants,
 * such as `ListChannels` with `include_queue_stats`. In open mode every caller
 * is an operator.
 *
 * @example
 * ```ts
 * const identity = await authenticator.authenticate(call.metadata);
 * if (call.request.includeQueueStats) requireOperator(identity, 'include_queue_stats');
 * ```
 */
export function requireOperator(identity: CallerIdentity, field: string): void {
  if (identity.role === 'operator') return;
  throw new PermissionDeniedError(
    `${field}: needs an API key with the operator role (an operator creates one with "sluice keys create --role operator"); this key has the ${identity.role} role`,
    { field },
  );
}
