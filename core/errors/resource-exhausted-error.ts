import { SluiceError } from './sluice-error.js';

/** A limit was reached; the caller should slow down and retry later. */
export class ResourceExhaustedError extends SluiceError {
  readonly status = 'RESOURCE_EXHAUSTED' as const;
}
