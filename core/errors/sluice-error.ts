/**
 * The status a domain error maps to at the gRPC edge. The names follow
 * google.rpc.Code so every part of the system speaks the same vocabulary.
 */
export type ErrorStatus =
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

/**
 * Base class of every error Sluice raises on purpose. It carries the status it
 * maps to, so the front translates errors to gRPC codes in exactly one place.
 *
 * @example
 * ```ts
 * if (error instanceof SluiceError) return { code: error.status, message: error.message };
 * ```
 */
export abstract class SluiceError extends Error {
  /** The google.rpc.Code name this error is reported as. */
  abstract readonly status: ErrorStatus;
  /** The request field at fault, when one is. */
  readonly field: string | undefined;

  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options?.field;
  }
}
