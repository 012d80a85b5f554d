import { SluiceError } from './sluice-error.js';

/** The job is not in a state that allows the operation (for example cancelling a running job). */
export class JobStateConflictError extends SluiceError {
  readonly status = 'FAILED_PRECONDITION' as const;
}
