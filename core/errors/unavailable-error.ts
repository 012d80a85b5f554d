import { SluiceError } from './sluice-error.js';

/**
 * A dependency (queue, table) or the server itself cannot serve now. Raise it
 * only where retrying is safe: gRPC clients and proxies retry UNAVAILABLE on
 * their own.
 */
export class UnavailableError extends SluiceError {
  readonly status = 'UNAVAILABLE' as const;
}
