import { SluiceError } from './sluice-error.js';

/** A dependency (queue, table) or the server itself cannot serve now; retrying is safe. */
export class UnavailableError extends SluiceError {
  readonly status = 'UNAVAILABLE' as const;
}
