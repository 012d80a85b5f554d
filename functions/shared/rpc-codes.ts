import type { ErrorStatus } from '../../core/errors/index.js';

/**
 * The google.rpc.Code values the functions record on jobs (`JobError.code`),
 * by name, so no handler writes a bare number.
 *
 * @example
 * ```ts
 * const error: JobError = { code: RPC_CODE.DEADLINE_EXCEEDED, message: 'ran out of time' };
 * ```
 */
export const RPC_CODE = Object.freeze({
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const);

/**
 * The google.rpc.Code of a core error status name, so a `SluiceError` thrown
 * inside a processor is recorded with the code it stands for.
 *
 * @example
 * ```ts
 * rpcCodeOf(new ValidationError('bad').status); // 3
 * ```
 */
export function rpcCodeOf(status: ErrorStatus): number {
  return RPC_CODE[status];
}
