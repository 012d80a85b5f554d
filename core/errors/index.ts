export { SluiceError, type ErrorStatus } from './sluice-error.js';
export { ValidationError } from './validation-error.js';
export { JobNotFoundError } from './job-not-found-error.js';
export { JobStateConflictError } from './job-state-conflict-error.js';
export { ResourceExhaustedError } from './resource-exhausted-error.js';
export { UnavailableError } from './unavailable-error.js';
export { UnauthenticatedError } from './unauthenticated-error.js';
export { PermissionDeniedError } from './permission-denied-error.js';
