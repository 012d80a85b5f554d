import type { status } from '@grpc/grpc-js';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** The plain trailer with the retry hint, in milliseconds: easy to read from any client. */
export const RETRY_AFTER_METADATA_KEY = 'retry-after-ms';
/** The standard trailer of a `google.rpc.Status` with details (gRPC's "richer error model"). */
export const STATUS_DETAILS_METADATA_KEY = 'grpc-status-details-bin';
/** The `google.protobuf.Any` type URL of `google.rpc.RetryInfo`. */
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
const MS_PER_SECOND = 1_000;
const NANOS_PER_MS = 1_000_000;

/** google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; } */
function duration(ms: number): Uint8Array {
  const writer = new BinaryWriter();
  const seconds = Math.floor(ms / MS_PER_SECOND);
  const nanos = Math.round((ms % MS_PER_SECOND) * NANOS_PER_MS);
  if (seconds !== 0) writer.tag(1, WireType.Varint).int64(seconds);
  if (nanos !== 0) writer.tag(2, WireType.Varint).int32(nanos);
  return writer.finish();
}

/**
 * A serialized `google.rpc.Status` carrying one `google.rpc.RetryInfo`
 * detail (`retry_delay`), as gRPC clients that understand the richer error
 * model (grpc-java's StatusProto, grpc-go's status.FromError) read it from
 * the `grpc-status-details-bin` trailer. Its code and message must be the
 * call's own.
 *
 * @example
 * ```ts
 * metadata.set(STATUS_DETAILS_METADATA_KEY, Buffer.from(retryInfoStatus(status.RESOURCE_EXHAUSTED, message, 250)));
 * ```
 */
export function retryInfoStatus(code: status, message: string, retryAfterMs: number): Uint8Array {
  // google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }
  const retryInfo = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(duration(retryAfterMs))
    .finish();
  // google.protobuf.Any { string type_url = 1; bytes value = 2; }
  const any = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .string(RETRY_INFO_TYPE_URL)
    .tag(2, WireType.LengthDelimited)
    .bytes(retryInfo)
    .finish();
  // google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
  return new BinaryWriter()
    .tag(1, WireType.Varint)
    .int32(code)
    .tag(2, WireType.LengthDelimited)
    .string(message)
    .tag(3, WireType.LengthDelimited)
    .bytes(any)
    .finish();
}
