import type { Metadata } from '@grpc/grpc-js';
import type { Authenticator, CallerIdentity } from './authenticator.js';

/** The tenant of every caller when no authentication is configured. */
export const DEFAULT_TENANT = 'default';

/**
 * No authentication: every caller is the tenant `default` (the open local
 * runtime) with the `operator` role — whoever can reach an open front can
 * already see everything it serves (DESIGN.md). The tenant is still part of
 * every key, so switching to API keys later changes no data layout.
 *
 * @example
 * ```ts
 * const front = await startFront({ ...options, authenticator: new OpenAuthenticator() });
 * ```
 */
export class OpenAuthenticator implements Authenticator {
  authenticate(_metadata: Metadata): Promise<CallerIdentity> {
    return Promise.resolve({ tenant: DEFAULT_TENANT, role: 'operator' });
  }
}
