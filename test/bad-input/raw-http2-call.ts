import { connect, constants, type ClientHttp2Session } from 'node:http2';

/** The 5-byte gRPC message prefix: compressed flag and big-endian length. */
const FRAME_HEADER_BYTES = 5;
/** A hang is a failure, not an answer. */
const CALL_TIMEOUT_MS = 10_000;

/** What came back for one raw HTTP/2 request. */
export interface RawResponse {
  /** The HTTP status (200 for any gRPC answer). */
  httpStatus: number | undefined;
  /** `grpc-status` from the headers (trailers-only) or the trailers; undefined when none came. */
  grpcStatus: number | undefined;
  grpcMessage: string;
  /** Response body bytes (gRPC frames). */
  body: Buffer;
}

/**
 * A gRPC message frame: flag byte, big-endian length, message. `declaredLength`
 * may lie about the length (a truncated or oversized frame).
 *
 * @example
 * ```ts
 * grpcFrame(Buffer.from([0xff]), { declaredLength: 100 }); // claims 100 bytes, carries 1
 * ```
 */
export function grpcFrame(
  message: Uint8Array,
  options: { compressed?: boolean; declaredLength?: number } = {},
): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt8(options.compressed === true ? 1 : 0, 0);
  header.writeUInt32BE(options.declaredLength ?? message.byteLength, 1);
  return Buffer.concat([header, message]);
}

/**
 * One HTTP/2 connection to a gRPC server for hand-made requests: any path,
 * any headers, any body bytes — what no gRPC library would send.
 *
 * @example
 * ```ts
 * const raw = await RawHttp2Connection.open('127.0.0.1:50051');
 * const answer = await raw.request('/sluice.v1.JobService/GetJob', grpcFrame(Buffer.from([0xff])));
 * raw.close();
 * ```
 */
export class RawHttp2Connection {
  readonly #session: ClientHttp2Session;

  private constructor(session: ClientHttp2Session) {
    this.#session = session;
  }

  static open(endpoint: string): Promise<RawHttp2Connection> {
    return new Promise((resolve, reject) => {
      const session = connect(`http://${endpoint}`);
      session.once('connect', () => resolve(new RawHttp2Connection(session)));
      session.once('error', reject);
    });
  }

  /** POSTs `body` to `path` as a gRPC request and collects the answer. */
  request(
    path: string,
    body: Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.#session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...headers,
      });
      const timer = setTimeout(() => {
        stream.close();
        reject(new Error(`no answer to ${path} within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      const chunks: Buffer[] = [];
      const response: RawResponse = {
        httpStatus: undefined,
        grpcStatus: undefined,
        grpcMessage: '',
        body: Buffer.alloc(0),
      };
      const readStatus = (fields: Record<string, unknown>): void => {
        if (fields['grpc-status'] !== undefined) {
          response.grpcStatus = Number(fields['grpc-status']);
          const message = fields['grpc-message'];
          response.grpcMessage = typeof message === 'string' ? decodeURIComponent(message) : '';
        }
      };
      stream.on('response', (fields) => {
        response.httpStatus = Number(fields[constants.HTTP2_HEADER_STATUS]);
        readStatus(fields);
      });
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('close', () => {
        clearTimeout(timer);
        response.body = Buffer.concat(chunks);
        resolve(response);
      });
      stream.on('error', () => undefined);
      stream.end(body);
    });
  }

  close(): void {
    this.#session.close();
  }
}
