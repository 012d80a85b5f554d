/** Waits for every item that was pending when `whenSettled` was called. */
interface SettleWaiter<T> {
  readonly remaining: Set<T>;
  resolve(): void;
}

/**
 * The sends a batcher accepted and has not answered: a bounded buffer's
 * accounting. It knows whether there is room for one more (`hasRoom`, below
 * `maxPending`), wakes those waiting for room when an answer makes some, and
 * tells a flush when everything pending at its start is answered. It holds
 * no timers and sends nothing.
 *
 * @example
 * ```ts
 * const pending = new PendingSends<PendingEntry>(4_096);
 * if (!pending.hasRoom) await pending.whenRoom();
 * pending.add(item);
 * // … once SQS answered it:
 * pending.settle(item);
 * ```
 */
export class PendingSends<T> {
  readonly #maxPending: number;
  readonly #items = new Set<T>();
  #settleWaiters: SettleWaiter<T>[] = [];
  #roomWaiters: (() => void)[] = [];

  constructor(maxPending: number) {
    if (maxPending < 1) throw new RangeError('maxPending must be ≥ 1');
    this.#maxPending = maxPending;
  }

  /** The most items pending at once. */
  get maxPending(): number {
    return this.#maxPending;
  }

  /** Items accepted and not yet settled. */
  get size(): number {
    return this.#items.size;
  }

  /** Whether one more item fits. */
  get hasRoom(): boolean {
    return this.#items.size < this.#maxPending;
  }

  /** Whether some `whenSettled` is waiting: what is pending should go out now. */
  get isFlushing(): boolean {
    return this.#settleWaiters.length > 0;
  }

  /** Counts an accepted item (the caller checked `hasRoom`). */
  add(item: T): void {
    this.#items.add(item);
  }

  /** The item was answered: frees its room and tells the flushes that waited for it. */
  settle(item: T): void {
    this.#items.delete(item);
    if (this.#settleWaiters.length > 0) {
      this.#settleWaiters = this.#settleWaiters.filter((waiter) => {
        waiter.remaining.delete(item);
        if (waiter.remaining.size > 0) return true;
        waiter.resolve();
        return false;
      });
    }
    if (this.hasRoom) this.releaseRoomWaiters();
  }

  /** Resolves when one more item fits (at once if it does now). */
  whenRoom(): Promise<void> {
    if (this.hasRoom) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Resolves once every item pending now is settled (at once if none is). */
  whenSettled(): Promise<void> {
    if (this.#items.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#settleWaiters.push({ remaining: new Set(this.#items), resolve });
    });
  }

  /** Wakes everyone waiting for room, room or not: on close, when sends fail at once. */
  releaseRoomWaiters(): void {
    if (this.#roomWaiters.length === 0) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
