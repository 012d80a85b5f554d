import { Metadata, status as Status, type StatusObject } from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import { WakeSignal } from './wake-signal.js';

/** Messages buffered before the reader pauses the stream (HTTP/2 flow control then slows the server). */
const HIGH_WATER_MESSAGES = 256;
/** Messages left in the buffer when the reader resumes a paused stream. */
const LOW_WATER_MESSAGES = 64;

/** What `StreamReader.take()` yields: the next message, or the call's final status. */
export type StreamEvent<Message> = { message: Message } | { status: StatusObject };

/** A grpc-js readable call: a Readable that also reports its status. */
type ReadableCall = Readable & {
  cancel(): void;
  on(event: 'status', listener: (status: StatusObject) => void): ReadableCall;
};

/**
 * Pull-style reading of a grpc-js response stream: `take()` resolves with the
 * next message, and after the last one with the call's status (never an
 * exception). Messages that arrived before a failure are delivered first. The
 * buffer is bounded: the stream is paused while the consumer lags.
 *
 * @example
 * ```ts
 * const reader = new StreamReader<WatchJobsResponse>(connection.grpc.watchJobs(request));
 * for (let event = await reader.take(); 'message' in event; event = await reader.take()) use(event.message);
 * ```
 */
export class StreamReader<Message> {
  readonly #call: ReadableCall;
  readonly #buffer: Message[] = [];
  readonly #wake = new WakeSignal();
  #finalStatus: StatusObject | undefined;
  #okStatus: StatusObject | undefined;

  constructor(call: ReadableCall) {
    this.#call = call;
    call.on('data', (message: Message) => {
      this.#buffer.push(message);
      if (this.#buffer.length >= HIGH_WATER_MESSAGES) call.pause();
      this.#wake.notify();
    });
    // The status event carries every failure; this listener only keeps the
    // 'error' event from being unhandled.
    call.on('error', () => undefined);
    call.on('end', () =>
      this.#finish(this.#okStatus ?? { code: Status.OK, details: '', metadata: new Metadata() }),
    );
    call.on('status', (status: StatusObject) => {
      if (status.code === Status.OK) {
        // 'end' follows once every message was read.
        this.#okStatus = status;
        return;
      }
      // Let messages still queued in the stream reach the buffer first.
      call.resume();
      setImmediate(() => this.#finish(status));
    });
  }

  /** The next message, or the final status once every message was taken. */
  async take(): Promise<StreamEvent<Message>> {
    for (;;) {
      const message = this.#buffer.shift();
      if (message !== undefined) {
        if (this.#call.isPaused() && this.#buffer.length <= LOW_WATER_MESSAGES) this.#call.resume();
        return { message };
      }
      if (this.#finalStatus !== undefined) return { status: this.#finalStatus };
      await this.#wake.wait();
    }
  }

  /** Cancels the call (a no-op once it has finished). */
  cancel(): void {
    this.#call.cancel();
  }

  #finish(status: StatusObject): void {
    this.#finalStatus ??= status;
    this.#wake.notify();
  }
}
