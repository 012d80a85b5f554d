/**
 * What a poller does after a receive came back: `continue` polling (or
 * invoke the handler with what it got), or `park` until the pool needs it.
 */
export type AfterReceive = 'continue' | 'park';

/**
 * The pollers of one event source, scaled to the work the way Lambda's event
 * source mapping scales its own: exactly one poller waits on a long poll
 * while the queue is idle, and each poller that receives messages hands the
 * long poll to a parked one before it invokes the handler, so concurrency
 * grows one invocation at a time while receives keep finding messages and
 * shrinks back to one waiting poller when they come back empty.
 *
 * Without it every poller would long-poll at once, and an emulator that
 * wakes all waiting receives for each message (fauxqs does) would answer
 * one message with one full and many empty receives — wasted requests and
 * CPU that AWS's mapping does not spend.
 *
 * Single-threaded by design: `afterReceive` and `park` run without an await
 * between them, so no wake-up is lost.
 *
 * @example
 * ```ts
 * const pool = new PollerPool(stopSignal);
 * if (index > 0) await pool.park();
 * pool.beforeReceive();
 * const messages = await receive();
 * if (pool.afterReceive(messages.length) === 'park') await pool.park();
 * else { await invoke(messages); if (pool.afterInvoke() === 'park') await pool.park(); }
 * ```
 */
export class PollerPool {
  #receiving = 0;
  #parked: (() => void)[] = [];
  #stopped = false;

  constructor(stopSignal: AbortSignal) {
    this.#stopped = stopSignal.aborted;
    stopSignal.addEventListener('abort', () => this.#wakeAll(), { once: true });
  }

  /** Pollers waiting on a receive now (a gauge). */
  get receiving(): number {
    return this.#receiving;
  }

  /** Pollers parked now (a gauge). */
  get parked(): number {
    return this.#parked.length;
  }

  /** Resolves when the pool needs this poller again, or at once when stopping. */
  park(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#parked.push(resolve));
  }

  /** Counts a receive starting. */
  beforeReceive(): void {
    this.#receiving += 1;
  }

  /**
   * Counts a receive ended (a failed one counts as empty). With messages,
   * wakes a parked poller when no other is left waiting on the queue; when
   * empty, the poller parks if another one is already waiting.
   */
  afterReceive(messageCount: number): AfterReceive {
    this.#receiving -= 1;
    if (messageCount > 0) {
      if (this.#receiving === 0) this.#parked.shift()?.();
      return 'continue';
    }
    return this.#receiving > 0 ? 'park' : 'continue';
  }

  /**
   * After an invocation: the poller parks when another one already waits on
   * the queue (two waiting long polls would both be woken by the next
   * message), and receives again otherwise.
   */
  afterInvoke(): AfterReceive {
    return this.#receiving > 0 ? 'park' : 'continue';
  }

  #wakeAll(): void {
    this.#stopped = true;
    const parked = this.#parked;
    this.#parked = [];
    for (const wake of parked) wake();
  }
}
