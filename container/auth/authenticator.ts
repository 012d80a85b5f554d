import type { Metadata } from '@grpc/grpc-js';

/** Who is calling, as far as Sluice cares: the tenant every job of the call belongs to. */
export interface CallerIdentity {
  tenant: string;
}

/**
 * Resolves the caller of a gRPC call from its metadata. The front asks once
 * per call (once per stream); an implementation throws
 * `UnauthenticatedError` for missing or bad credentials and
 * `PermissionDeniedError` for a caller that may not use the service.
 *
 * @example
 * ```ts
 * const { tenant } = await authenticator.authenticate(call.metadata);
 * ```
 */
export interface Authenticator {
  authenticate(metadata: Metadata): Promise<CallerIdentity>;
}
