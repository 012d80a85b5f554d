import type { StatusObject } from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import { WakeSignal } from './wake-signal.js';

/** Messages buffered before the reader pauses the stream (HTTP/2 flow control then slows the server). */
const HIGH_WATER_MESSAGES = 256;
/** Messages left in the buffer when the reader resumes a paused stream. */
const LOW_WATER_MESSAGES = 64;

/**
 * What `StreamReader.take()` yields: the next message, or the call's final status.
 *
 * @example
 * ```ts
 * const event: StreamEvent<WatchJobsResponse> = await reader.take();
 * if ('status' in event) return event.status;
 * ```
 */
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
  #status: StatusObject | undefined;
  #ended = false;

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
    // grpc-js ends the readable side before it reports the status, whatever
    // the code; the reader is finished once it has both: every message read
    // ('end', or 'close' if the stream was destroyed) and the status.
    call.on('status', (status: StatusObject) => {
      this.#status = status;
      call.resume(); // a paused stream would never reach 'end'
      this.#finishIfDone();
    });
    call.on('end', () => {
      this.#ended = true;
      this.#finishIfDone();
    });
    call.on('close', () => {
      this.#ended = true;
      this.#finishIfDone();
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

  #finishIfDone(): void {
    if (this.#status === undefined || !this.#ended) return;
    this.#finalStatus ??= this.#status;
    this.#wake.notify();
  }
}
