import { PendingSends } from './pending-sends.js';

/** Lets every promise callback that is already due run. */
const settleMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether `promise` has resolved by the time due callbacks ran. */
async function isResolved(promise: Promise<void>): Promise<boolean> {
  let resolved = false;
  void promise.then(() => {
    resolved = true;
  });
  await settleMicrotasks();
  return resolved;
}

describe('PendingSends', () => {
  it('has room until maxPending items are pending', () => {
    const pending = new PendingSends<string>(2);
    pending.add('a');
    expect(pending.hasRoom).toBe(true);
    pending.add('b');
    expect([pending.hasRoom, pending.size]).toEqual([false, 2]);
  });

  it('wakes a waiter for room once an item is settled, and not before', async () => {
    const pending = new PendingSends<string>(2);
    pending.add('a');
    pending.add('b');
    const room = pending.whenRoom();

    expect(await isResolved(room)).toBe(false);
    pending.settle('a');
    expect(await isResolved(room)).toBe(true);
  });

  it('answers a waiter for room at once when there is room', async () => {
    const pending = new PendingSends<string>(2);
    pending.add('a');
    expect(await isResolved(pending.whenRoom())).toBe(true);
  });

  it('resolves a flush once the items pending at its start are settled, not those added later', async () => {
    const pending = new PendingSends<string>(10);
    pending.add('a');
    pending.add('b');
    const settled = pending.whenSettled();
    pending.add('later');
    expect(pending.isFlushing).toBe(true);

    pending.settle('a');
    expect(await isResolved(settled)).toBe(false);
    pending.settle('b');
    expect(await isResolved(settled)).toBe(true);
    expect(pending.isFlushing).toBe(false);
    expect(pending.size).toBe(1);
  });

  it('resolves a flush at once when nothing is pending', async () => {
    const pending = new PendingSends<string>(1);
    expect(await isResolved(pending.whenSettled())).toBe(true);
    expect(pending.isFlushing).toBe(false);
  });

  it('wakes waiters for room without room when told to (a closing batcher)', async () => {
    const pending = new PendingSends<string>(1);
    pending.add('a');
    const room = pending.whenRoom();
    pending.releaseRoomWaiters();
    expect(await isResolved(room)).toBe(true);
    expect(pending.hasRoom).toBe(false);
  });

  it('refuses a bound below one', () => {
    expect(() => new PendingSends<string>(0)).toThrow(RangeError);
  });
});
