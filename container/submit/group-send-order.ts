/**
 * A place in line to hand a job to the producer: `ready` resolves when every
 * earlier turn of the same line was released, and `release` (idempotent)
 * lets the next one go.
 */
export interface SendTurn {
  readonly ready: Promise<void>;
  release(): void;
}

/**
 * Keeps the jobs of one group in arrival order on their way to the queue.
 * Items of a SubmitJobs stream are processed concurrently (an idempotency
 * lookup may take longer for one than for the next), so each item takes a
 * turn when it arrives and hands its message to the producer only when the
 * group's earlier items have; the producer keeps that order into SQS.
 *
 * @example
 * ```ts
 * const turn = order.turn(`${channel}\u0000${groupKey}`);
 * try { await turn.ready; producer.send(entry); } finally { turn.release(); }
 * ```
 */
export class GroupSendOrder {
  readonly #tails = new Map<string, Promise<void>>();

  /** Takes the next turn in the line `key`. */
  turn(key: string): SendTurn {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let releaseOwn: () => void = () => undefined;
    const own = new Promise<void>((resolve) => {
      releaseOwn = resolve;
    });
    // A turn released early (a duplicate, an error) still holds later turns
    // until every earlier one was released too.
    const done = previous.then(() => own);
    this.#tails.set(key, done);
    let released = false;
    return {
      ready: previous,
      release: () => {
        if (released) return;
        released = true;
        releaseOwn();
        void done.then(() => {
          if (this.#tails.get(key) === done) this.#tails.delete(key);
        });
      },
    };
  }
}
