import type {
  MethodDefinition,
  ServiceDefinition,
  StatusObject,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { fromBinary, toBinary, type DescMethod } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { StatusSchema } from '../../proto/gen/es/google/rpc/status_pb.js';
import { JobService } from '../../proto/gen/es/sluice/v1/job_service_pb.js';
import { STATUS_DETAILS_METADATA_KEY } from '../service/status-details.js';
import { AdaptedCall, metadataFromHeaders } from './adapted-call.js';

/**
 * A WatchJobs stream with nothing to say repeats its last snapshot after
 * this long: an idle-timeout load balancer (60 s on ALB, 350 s on NLB) sees
 * traffic, and a client sees a snapshot it already has (same version),
 * which WatchJobsResponse's "a full snapshot at each change" lets it ignore.
 * Connect has no ping of its own over HTTP/1.1.
 */
export const DEFAULT_STREAM_HEARTBEAT_MS = 20_000;
/** The `google.rpc.Any` type URL prefix; Connect details name the bare type. */
const TYPE_URL_PREFIX = /^.*\//;

type AnyMethod = MethodDefinition<object, object>;
type Callback = (error: Partial<StatusObject> | null, value?: object | null) => void;
type Handler = (call: AdaptedCall<object>, callback?: Callback) => void;

/** Options of `connectJobService`. */
export interface ConnectJobServiceOptions {
  /** The grpc-js definition the front serves (with its strict request decoding). */
  definition: ServiceDefinition;
  /** The grpc-js handlers (`createJobService`): the only implementation. */
  implementation: UntypedServiceImplementation;
  heartbeatMs?: number;
}

/** A grpc-js status as a Connect error: same code, message, trailers and details. */
function connectError(failure: unknown): ConnectError {
  const status = failure as Partial<StatusObject>;
  const headers = new Headers();
  let details: Uint8Array | undefined;
  for (const [key, value] of Object.entries(status.metadata?.getMap() ?? {})) {
    if (key === STATUS_DETAILS_METADATA_KEY && typeof value !== 'string') details = value;
    else if (typeof value === 'string') headers.set(key, value);
  }
  // gRPC and Connect share the google.rpc.Code numbers.
  const code = (status.code ?? Code.Internal) as number as Code;
  const error = new ConnectError(status.details ?? '', code, headers);
  if (details !== undefined) {
    for (const detail of fromBinary(StatusSchema, details).details) {
      error.details.push({
        type: detail.typeUrl.replace(TYPE_URL_PREFIX, ''),
        value: detail.value,
      });
    }
  }
  return error;
}

/** The ts-proto request of a protobuf-es one: the same bytes, decoded as the gRPC face decodes them. */
function grpcRequest(method: DescMethod, definition: AnyMethod, request: unknown): object {
  const bytes = toBinary(method.input, request as never);
  return definition.requestDeserialize(Buffer.from(bytes));
}

function esResponse(method: DescMethod, definition: AnyMethod, response: object): unknown {
  return fromBinary(method.output, definition.responseSerialize(response));
}

function unary(method: DescMethod, definition: AnyMethod, handler: Handler) {
  return async (request: unknown, context: HandlerContext): Promise<never> => {
    const call = new AdaptedCall(
      grpcRequest(method, definition, request),
      metadataFromHeaders(context.requestHeader),
      context.signal,
      context.timeoutMs(),
    );
    const response = await new Promise<object>((resolve, reject) => {
      handler(call, (error, value) =>
        error === null && value !== undefined && value !== null
          ? resolve(value)
          : reject(connectError(error)),
      );
    });
    return esResponse(method, definition, response) as never;
  };
}

function serverStreaming(
  method: DescMethod,
  definition: AnyMethod,
  handler: Handler,
  heartbeatMs: number,
) {
  return async function* (request: unknown, context: HandlerContext): AsyncGenerator<never> {
    const call = new AdaptedCall(
      grpcRequest(method, definition, request),
      metadataFromHeaders(context.requestHeader),
      context.signal,
      context.timeoutMs(),
    );
    handler(call);
    let last: unknown;
    for await (const response of call.responses(connectError, heartbeatMs, () => last)) {
      last = esResponse(method, definition, response as object);
      yield last as never;
    }
  };
}

/**
 * Serves the JobService over Connect, gRPC-Web (and gRPC over HTTP/2) with
 * the very handlers the grpc-js server runs: each request is re-encoded
 * into the bytes a gRPC call would carry and decoded by the gRPC face's own
 * (strict) decoder, the handler runs on an `AdaptedCall`, and its response
 * or status goes back as Connect's — same authentication, validation and
 * error → status mapping, one copy of the logic. Unary and server-streaming
 * methods are served (browsers have no client streaming); server streams
 * repeat their last message after `heartbeatMs` of silence.
 *
 * @example
 * ```ts
 * const routes = (router: ConnectRouter) =>
 *   connectJobService(router, { definition, implementation: createJobService(deps) });
 * ```
 */
export function connectJobService(router: ConnectRouter, options: ConnectJobServiceOptions): void {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_STREAM_HEARTBEAT_MS;
  for (const method of JobService.methods) {
    const definition = options.definition[method.localName] as AnyMethod | undefined;
    const handler = options.implementation[method.localName] as Handler | undefined;
    if (definition === undefined || handler === undefined) continue;
    if (method.methodKind === 'unary') {
      router.rpc(method, unary(method, definition, handler) as never);
    } else if (method.methodKind === 'server_streaming') {
      router.rpc(method, serverStreaming(method, definition, handler, heartbeatMs) as never);
    }
  }
}
