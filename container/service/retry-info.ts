import type { status } from '@grpc/grpc-js';
import { RetryInfo } from '../../proto/gen/ts/google/rpc/error_details.js';
import { packDetail, statusDetails, typeUrlOf } from './status-details.js';

/** The plain trailer with the retry hint, in milliseconds: easy to read from any client. */
export const RETRY_AFTER_METADATA_KEY = 'retry-after-ms';
/** The full proto name of `google.rpc.RetryInfo`. */
const RETRY_INFO_TYPE = 'google.rpc.RetryInfo';
/** The `google.protobuf.Any` type URL of `google.rpc.RetryInfo`. */
export const RETRY_INFO_TYPE_URL = typeUrlOf(RETRY_INFO_TYPE);
const MS_PER_SECOND = 1_000;
const NANOS_PER_MS = 1_000_000;

/**
 * A serialized `google.rpc.Status` carrying one `google.rpc.RetryInfo`
 * detail (`retry_delay`), for the `grpc-status-details-bin` trailer.
 *
 * @example
 * ```ts
 * metadata.set(STATUS_DETAILS_METADATA_KEY, Buffer.from(retryInfoStatus(status.RESOURCE_EXHAUSTED, message, 250)));
 * ```
 */
export function retryInfoStatus(code: status, message: string, retryAfterMs: number): Uint8Array {
  const retryDelay = {
    seconds: Math.floor(retryAfterMs / MS_PER_SECOND),
    nanos: Math.round((retryAfterMs % MS_PER_SECOND) * NANOS_PER_MS),
  };
  return statusDetails(code, message, [packDetail(RETRY_INFO_TYPE, RetryInfo, { retryDelay })]);
}
