import { PollerPool } from './poller-pool.js';

/** Whether a promise has settled once pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('PollerPool', () => {
  it('parks a poller whose receive came back empty while another one waits on the queue', () => {
    const pool = new PollerPool(new AbortController().signal);
    pool.beforeReceive();
    pool.beforeReceive();

    expect(pool.afterReceive(0)).toBe('park');
    expect(pool.afterReceive(0)).toBe('continue');
  });

  it('hands the long poll to a parked poller when the last waiting one takes messages', async () => {
    const pool = new PollerPool(new AbortController().signal);
    const parked = pool.park();
    pool.beforeReceive();

    expect(pool.afterReceive(3)).toBe('continue');

    expect(await settled(parked)).toBe(true);
  });

  it('leaves parked pollers parked while another poller still waits on the queue', async () => {
    const pool = new PollerPool(new AbortController().signal);
    const parked = pool.park();
    pool.beforeReceive();
    pool.beforeReceive();

    pool.afterReceive(1);

    expect(await settled(parked)).toBe(false);
    expect(pool.parked).toBe(1);
  });

  it('parks a poller back from an invocation while another one waits on the queue', () => {
    const pool = new PollerPool(new AbortController().signal);
    expect(pool.afterInvoke()).toBe('continue');

    pool.beforeReceive();

    expect(pool.afterInvoke()).toBe('park');
  });

  it('releases every parked poller when the runner stops', async () => {
    const controller = new AbortController();
    const pool = new PollerPool(controller.signal);
    const parked = [pool.park(), pool.park()];

    controller.abort();

    expect(await settled(Promise.all(parked))).toBe(true);
    expect(await settled(pool.park())).toBe(true);
  });
});
