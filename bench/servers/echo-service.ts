import type { ServiceDefinition } from '@grpc/grpc-js';

const passThrough = (bytes: Buffer): Buffer => bytes;

/** Unary echo: the reply is the request's bytes. */
export const ECHO_UNARY_PATH = '/sluice.bench.v1.Echo/Unary';
/** Bidi echo: every message is written back. */
export const ECHO_STREAM_PATH = '/sluice.bench.v1.Echo/Stream';

/**
 * The raw gRPC ceiling: an echo service on bytes (no protobuf decode, no
 * logic), so it measures only what grpc-js and HTTP/2 cost on this machine —
 * the most any gRPC front in Node can do here.
 *
 * @example
 * ```ts
 * server.addService(ECHO_SERVICE, { unary: (call, done) => done(null, call.request) });
 * ```
 */
export const ECHO_SERVICE = {
  unary: {
    path: ECHO_UNARY_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
  stream: {
    path: ECHO_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
} satisfies ServiceDefinition;

/** Serialises a message for the raw echo client (bytes go as they are). */
export const serializeBytes = passThrough;
/** Deserialises a reply of the raw echo service. */
export const deserializeBytes = passThrough;
