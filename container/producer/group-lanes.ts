/** What a lane needs to know of an item: its group and its size. */
export interface LaneItem {
  readonly groupId: string;
  readonly bytes: number;
}

/** The most one batch may hold. */
export interface BatchLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/**
 * The items of one message group, in send order. A lane is `busy` while
 * some of its items are in a batch or waiting for a retry: its later items
 * wait. `bytes` is the sum of its items' sizes.
 */
interface Lane<T extends LaneItem> {
  readonly groupId: string;
  readonly items: T[];
  bytes: number;
  busy: boolean;
}

/**
 * Per-group ordering lanes: the FIFO half of the auto-batcher. Items of one
 * group leave in the order they came, and a group has at most one batch out
 * at a time — a later batch of the group could otherwise reach SQS first
 * (concurrent calls, a retry after a backoff) and break FIFO order. Groups
 * themselves are served oldest first. `readyCount`/`readyBytes` count the
 * items a batch could take now (those of lanes that are not busy), which is
 * what decides whether a batch is full.
 *
 * @example
 * ```ts
 * const lanes = new GroupLanes<PendingEntry>();
 * lanes.push(pending);
 * const batch = lanes.take({ maxEntries: 10, maxBytes: 262_144 });
 * const held = lanes.finish(batch, toRetry); // lanes without retries are ready again
 * for (const groupId of held.keys()) setTimeout(() => lanes.wake(groupId), backoffMs);
 * ```
 */
export class GroupLanes<T extends LaneItem> {
  readonly #lanes = new Map<string, Lane<T>>();
  /** Lanes with items that may go into the next batch, oldest first. */
  readonly #runnable = new Set<Lane<T>>();
  #readyCount = 0;
  #readyBytes = 0;

  /** Items that a batch could take now. */
  get readyCount(): number {
    return this.#readyCount;
  }

  /** The bytes of the items that a batch could take now. */
  get readyBytes(): number {
    return this.#readyBytes;
  }

  /** Whether the ready items fill a batch. */
  isFull(limits: BatchLimits): boolean {
    return this.#readyCount >= limits.maxEntries || this.#readyBytes >= limits.maxBytes;
  }

  /** Appends an item to its group's lane. */
  push(item: T): void {
    let lane = this.#lanes.get(item.groupId);
    if (lane === undefined) {
      lane = { groupId: item.groupId, items: [], bytes: 0, busy: false };
      this.#lanes.set(lane.groupId, lane);
    }
    lane.items.push(item);
    lane.bytes += item.bytes;
    if (!lane.busy) {
      this.#runnable.add(lane);
      this.#readyCount += 1;
      this.#readyBytes += item.bytes;
    }
  }

  /**
   * Takes up to one batch from the runnable lanes, oldest first, each lane's
   * items from its head; the lanes taken from become busy. A batch always
   * takes at least one item when any is ready, whatever its size.
   */
  take(limits: BatchLimits): T[] {
    const batch: T[] = [];
    let bytes = 0;
    for (const lane of this.#runnable) {
      let taken = 0;
      let takenBytes = 0;
      while (lane.items.length > taken && batch.length < limits.maxEntries) {
        const next = lane.items[taken] as T;
        if (batch.length > 0 && bytes + next.bytes > limits.maxBytes) break;
        batch.push(next);
        bytes += next.bytes;
        takenBytes += next.bytes;
        taken += 1;
      }
      if (taken === 0) break;
      this.#runnable.delete(lane);
      lane.busy = true;
      // The lane's items, taken or not, stop being ready until its batch is answered.
      this.#readyCount -= lane.items.length;
      this.#readyBytes -= lane.bytes;
      lane.items.splice(0, taken);
      lane.bytes -= takenBytes;
      if (batch.length >= limits.maxEntries || bytes >= limits.maxBytes) break;
    }
    return batch;
  }

  /**
   * Frees the lanes of an answered batch. A lane with nothing to retry is
   * ready again at once; `retry`'s items go back to the head of their lanes,
   * in batch order, and those lanes stay busy: the answer maps each held
   * group to its retried items, for the caller to `wake` after a backoff.
   */
  finish(batch: readonly T[], retry: readonly T[]): Map<string, T[]> {
    const held = new Map<string, T[]>();
    for (const item of retry) {
      const items = held.get(item.groupId);
      if (items === undefined) held.set(item.groupId, [item]);
      else items.push(item);
    }
    const groups = new Set(batch.map((item) => item.groupId));
    for (const groupId of groups) {
      const lane = this.#lanes.get(groupId) as Lane<T>;
      const again = held.get(groupId);
      if (again === undefined) {
        this.#wakeLane(lane);
        continue;
      }
      lane.items.unshift(...again);
      for (const item of again) lane.bytes += item.bytes;
    }
    return held;
  }

  /** Makes a held group's lane ready again (its backoff is over). */
  wake(groupId: string): void {
    const lane = this.#lanes.get(groupId);
    if (lane?.busy === true) this.#wakeLane(lane);
  }

  #wakeLane(lane: Lane<T>): void {
    lane.busy = false;
    if (lane.items.length === 0) {
      this.#lanes.delete(lane.groupId);
      return;
    }
    this.#runnable.add(lane);
    this.#readyCount += lane.items.length;
    this.#readyBytes += lane.bytes;
  }
}
