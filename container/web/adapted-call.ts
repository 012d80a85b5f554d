import { EventEmitter } from 'node:events';
import { Metadata } from '@grpc/grpc-js';

/** The suffix of binary metadata keys: a browser's headers never carry grpc-js's binary form. */
const BINARY_KEY_SUFFIX = '-bin';
/** Responses a stream holds before `write` asks its handler to wait for `drain`. */
export const STREAM_HIGH_WATER_MARK = 16;

/**
 * The grpc-js metadata of an HTTP request: every text header, so the
 * authenticator reads `authorization` exactly as it does for a gRPC call
 * (two `authorization` headers arrive joined and are refused as malformed).
 *
 * @example
 * ```ts
 * const metadata = metadataFromHeaders(context.requestHeader);
 * ```
 */
export function metadataFromHeaders(headers: Headers): Metadata {
  const metadata = new Metadata();
  headers.forEach((value, key) => {
    if (!key.endsWith(BINARY_KEY_SUFFIX)) metadata.add(key, value);
  });
  return metadata;
}

/**
 * What a grpc-js handler sees of a unary or server-streaming call, made for
 * a call that came in over Connect or gRPC-Web: the decoded request, the
 * metadata, `cancelled` and its event (from the HTTP request's signal), and
 * its deadline, for a stream `write`/`end`/`emit('error')` with `drain` flow control. The
 * JobService's grpc-js handlers run on it unchanged, so both faces share
 * one set of handlers (see `connectJobService`).
 *
 * @example
 * ```ts
 * const call = new AdaptedCall(request, metadataFromHeaders(headers), signal);
 * handler(call, callback);
 * ```
 */
export class AdaptedCall<Request> extends EventEmitter {
  readonly request: Request;
  readonly metadata: Metadata;
  #cancelled = false;
  readonly #queue: unknown[] = [];
  #ended = false;
  #failure: unknown;
  #wake: (() => void) | undefined;
  readonly #deadline: number;

  /** `timeoutMs` is what is left of the request's timeout (Connect's `context.timeoutMs()`), if it has one. */
  constructor(request: Request, metadata: Metadata, signal: AbortSignal, timeoutMs?: number) {
    super();
    this.request = request;
    this.metadata = metadata;
    this.#deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    if (signal.aborted) this.cancel();
    else signal.addEventListener('abort', () => this.cancel(), { once: true });
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Ends the call from the client's side: the handler sees `cancelled`. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.emit('cancelled');
    this.#notify();
  }

  /** When the request's timeout passes, epoch ms (`Infinity` without one), as grpc-js's `getDeadline`. */
  getDeadline(): number {
    return this.#deadline;
  }

  getPeer(): string {
    return 'browser';
  }

  /** Queues one response; false when the reader is behind (wait for `drain`). */
  write(message: unknown): boolean {
    this.#queue.push(message);
    this.#notify();
    return this.#queue.length < STREAM_HIGH_WATER_MARK;
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    // grpc-js handlers end a stream with a status by emitting 'error'.
    if (event === 'error') {
      this.#failure = args[0];
      this.#ended = true;
      this.#notify();
      return true;
    }
    return super.emit(event, ...args);
  }

  /**
   * The responses the handler writes, in order, until it ends the stream
   * (a status from `emit('error')` is thrown, as `toError` makes it). When
   * nothing was written for `idleMs`, `onIdle` may give a message to send.
   */
  async *responses<Out>(
    toError: (status: unknown) => Error,
    idleMs: number,
    onIdle: () => Out | undefined,
  ): AsyncGenerator<unknown> {
    try {
      for (;;) {
        while (this.#queue.length > 0) {
          yield this.#queue.shift();
          if (this.#queue.length === STREAM_HIGH_WATER_MARK - 1) this.emit('drain');
        }
        if (this.#failure !== undefined) throw toError(this.#failure);
        if (this.#ended || this.#cancelled) return;
        if (!(await this.#next(idleMs))) {
          const heartbeat = onIdle();
          if (heartbeat !== undefined) yield heartbeat;
        }
      }
    } finally {
      // The client went away (or the stream ended): the handler stops its work.
      this.cancel();
    }
  }

  /** Resolves true when something happened, false after `idleMs` of nothing. */
  #next(idleMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, idleMs);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(true);
      };
    });
  }

  #notify(): void {
    this.#wake?.();
  }
}
