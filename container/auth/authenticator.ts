import type { Metadata } from '@grpc/grpc-js';
import type { ApiKeyRole } from '../../core/keys/api-key-role.js';

/**
 * Who is calling, as far as Sluice cares: the tenant every job of the call
 * belongs to, and the role of its key (`operator` may also see
 * deployment-wide figures, see `requireOperator`).
 */
export interface CallerIdentity {
  tenant: string;
  role: ApiKeyRole;
}

/**
 * Resolves the caller of a gRPC call from its metadata. The front asks once
 * per call (once per stream); an implementation throws
 * `UnauthenticatedError` for missing or bad credentials and
 * `PermissionDeniedError` for a caller that may not use the service
 * (an operator-only request is checked afterwards, by `requireOperator`).
 *
 * @example
 * ```ts
 * const { tenant, role } = await authenticator.authenticate(call.metadata);
 * ```
 */
export interface Authenticator {
  authenticate(metadata: Metadata): Promise<CallerIdentity>;
}
