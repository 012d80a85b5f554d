import type { status } from '@grpc/grpc-js';
import type { Any } from '../../proto/gen/ts/google/protobuf/any.js';
import { Status } from '../../proto/gen/ts/google/rpc/status.js';

/** The standard trailer of a `google.rpc.Status` with details (gRPC's "richer error model"). */
export const STATUS_DETAILS_METADATA_KEY = 'grpc-status-details-bin';
/** The prefix of a `google.protobuf.Any` type URL. */
const TYPE_URL_PREFIX = 'type.googleapis.com/';

/**
 * The `google.protobuf.Any` type URL of a message type, by its full proto name.
 *
 * @example
 * ```ts
 * typeUrlOf('google.rpc.ErrorInfo'); // 'type.googleapis.com/google.rpc.ErrorInfo'
 * ```
 */
export function typeUrlOf(typeName: string): string {
  return `${TYPE_URL_PREFIX}${typeName}`;
}

/** Encodes a message for `packDetail`. */
interface Encodable<T> {
  encode(message: T): { finish(): Uint8Array };
}

/**
 * One detail of a status: `message` packed in a `google.protobuf.Any` under
 * its full proto name (`google.rpc.ErrorInfo`).
 *
 * @example
 * ```ts
 * const detail = packDetail('google.rpc.RetryInfo', RetryInfo, { retryDelay: { seconds: 1, nanos: 0 } });
 * ```
 */
export function packDetail<T>(typeName: string, type: Encodable<T>, message: T): Any {
  return { typeUrl: typeUrlOf(typeName), value: Buffer.from(type.encode(message).finish()) };
}

/**
 * The serialized `google.rpc.Status` of a call, as clients that understand
 * the richer error model (grpc-java's StatusProto, grpc-go's
 * status.FromError, grpcio-status in Python) read it from the
 * `grpc-status-details-bin` trailer. Its code and message must be the call's own.
 *
 * @example
 * ```ts
 * metadata.set(STATUS_DETAILS_METADATA_KEY, Buffer.from(statusDetails(status.UNKNOWN, message, [detail])));
 * ```
 */
export function statusDetails(code: status, message: string, details: Any[]): Uint8Array {
  return Status.encode({ code, message, details }).finish();
}
