import { SluiceError } from './sluice-error.js';

/** The job does not exist, or belongs to another tenant (which must look the same). */
export class JobNotFoundError extends SluiceError {
  readonly status = 'NOT_FOUND' as const;
}
