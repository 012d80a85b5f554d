import { GroupLanes, type BatchLimits } from './group-lanes.js';

interface Item {
  readonly name: string;
  readonly groupId: string;
  readonly bytes: number;
}

const TEN: BatchLimits = { maxEntries: 10, maxBytes: 256 * 1024 };
const SMALL_BYTES = 10;

function item(groupId: string, n: number, bytes = SMALL_BYTES): Item {
  return { name: `${groupId}${n}`, groupId, bytes };
}

function names(batch: readonly Item[]): string[] {
  return batch.map((i) => i.name);
}

describe('GroupLanes', () => {
  it('hands out one group in push order, batch after batch', () => {
    const lanes = new GroupLanes<Item>();
    for (let n = 0; n < 25; n += 1) lanes.push(item('a', n));
    const seen: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const batch = lanes.take(TEN);
      seen.push(...names(batch));
      lanes.finish(batch, []);
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, n) => `a${n}`));
    expect(lanes.readyCount).toBe(0);
  });

  it('holds a group while one of its batches is out, whatever else of it is waiting', () => {
    const lanes = new GroupLanes<Item>();
    lanes.push(item('a', 1));
    lanes.push(item('a', 2));
    const first = lanes.take({ ...TEN, maxEntries: 1 });
    lanes.push(item('a', 3));

    expect(names(first)).toEqual(['a1']);
    expect(lanes.readyCount).toBe(0);
    expect(lanes.take(TEN)).toEqual([]);
    lanes.finish(first, []);
    expect(names(lanes.take(TEN))).toEqual(['a2', 'a3']);
  });

  it('fills a batch from several groups, each group together, the oldest group first', () => {
    const lanes = new GroupLanes<Item>();
    lanes.push(item('a', 1));
    lanes.push(item('b', 1));
    lanes.push(item('a', 2));
    lanes.push(item('c', 1));
    expect(names(lanes.take(TEN))).toEqual(['a1', 'a2', 'b1', 'c1']);
  });

  it('puts retried items back at the head of their group and holds it until woken', () => {
    const lanes = new GroupLanes<Item>();
    for (const n of [1, 2, 3]) lanes.push(item('a', n));
    lanes.push(item('b', 1));
    const batch = lanes.take({ ...TEN, maxEntries: 2 });
    expect(names(batch)).toEqual(['a1', 'a2']);

    const held = lanes.finish(batch, batch.slice(1));

    expect([...held].map(([group, items]) => [group, names(items)])).toEqual([['a', ['a2']]]);
    lanes.push(item('a', 4));
    expect(names(lanes.take(TEN))).toEqual(['b1']);
    lanes.wake('a');
    expect(lanes.readyCount).toBe(3);
    expect(names(lanes.take(TEN))).toEqual(['a2', 'a3', 'a4']);
  });

  it('ends a batch at the byte limit, but takes a lone item larger than it', () => {
    const lanes = new GroupLanes<Item>();
    const limits = { maxEntries: 10, maxBytes: 1000 };
    for (const n of [1, 2, 3]) lanes.push(item(`g${n}`, n, 400));
    expect(lanes.isFull(limits)).toBe(true);
    expect(names(lanes.take(limits))).toEqual(['g11', 'g22']);
    expect(lanes.readyBytes).toBe(400);

    lanes.push(item('huge', 1, 5000));
    expect(names(lanes.take(limits))).toEqual(['g33']);
    expect(names(lanes.take(limits))).toEqual(['huge1']);
  });

  it('ends a batch at the first group that does not fit rather than let a later one past it', () => {
    const lanes = new GroupLanes<Item>();
    const limits = { maxEntries: 10, maxBytes: 1000 };
    lanes.push(item('a', 1, 400));
    lanes.push(item('b', 1, 700));
    lanes.push(item('c', 1, 100));
    expect(names(lanes.take(limits))).toEqual(['a1']);
    expect(names(lanes.take(limits))).toEqual(['b1', 'c1']);
  });

  it('counts as ready only the items a batch could take now', () => {
    const lanes = new GroupLanes<Item>();
    lanes.push(item('a', 1, 100));
    lanes.push(item('a', 2, 200));
    lanes.push(item('b', 1, 300));
    expect([lanes.readyCount, lanes.readyBytes]).toEqual([3, 600]);

    const batch = lanes.take({ maxEntries: 1, maxBytes: 1000 });

    // a2 waits behind a1's batch: only b1 is ready.
    expect([lanes.readyCount, lanes.readyBytes]).toEqual([1, 300]);
    lanes.finish(batch, []);
    expect([lanes.readyCount, lanes.readyBytes]).toEqual([2, 500]);
  });

  it('lets other groups through once a group has nothing left', () => {
    const lanes = new GroupLanes<Item>();
    lanes.push(item('a', 1));
    lanes.finish(lanes.take(TEN), []);
    expect(lanes.readyCount).toBe(0);

    lanes.push(item('b', 1));
    lanes.push(item('a', 2));
    expect(names(lanes.take(TEN))).toEqual(['b1', 'a2']);
  });
});
