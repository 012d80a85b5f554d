import { SluiceError } from './sluice-error.js';

/** A request or configuration value is invalid; `field` names it. */
export class ValidationError extends SluiceError {
  readonly status = 'INVALID_ARGUMENT' as const;
}
