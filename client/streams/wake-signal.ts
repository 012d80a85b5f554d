/**
 * A level-free wake-up between the parts of a stream pipeline: whoever waits
 * re-checks its condition after every `notify()`. Waiters check their
 * condition synchronously before `wait()`, so no notification is lost.
 *
 * @example
 * ```ts
 * while (queue.length === 0 && !done) await wake.wait();
 * // elsewhere: queue.push(item); wake.notify();
 * ```
 */
export class WakeSignal {
  #waiting: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Resolves at the next `notify()`. */
  wait(): Promise<void> {
    if (this.#waiting === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.#waiting = { promise, resolve };
    }
    return this.#waiting.promise;
  }

  /** Wakes every current waiter. */
  notify(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve();
  }
}
