import { SluiceError } from './sluice-error.js';

/** The caller is known but may not perform this operation. */
export class PermissionDeniedError extends SluiceError {
  readonly status = 'PERMISSION_DENIED' as const;
}
