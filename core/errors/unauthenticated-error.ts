import { SluiceError } from './sluice-error.js';

/** The caller presented no credentials, or credentials that are not valid. */
export class UnauthenticatedError extends SluiceError {
  readonly status = 'UNAUTHENTICATED' as const;
}
