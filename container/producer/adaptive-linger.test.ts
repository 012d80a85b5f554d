import { AdaptiveLinger } from './adaptive-linger.js';

const LINGER_MS = 10;
/** A window no test waits out: a timer armed with it must be replaced or the test times out. */
const HOLD_MS = 600_000;

/** Every linger a test made: disarmed after each test, so no timer outlives it. */
const made: AdaptiveLinger[] = [];

afterEach(() => {
  for (const linger of made.splice(0)) linger.disarm();
});

/** A linger on a hand-moved clock that counts how often its window ended. */
function lingerOf(lingerMs: number, idleLingerMs: number) {
  const clock = { now: 1_000 };
  let expiries = 0;
  let onExpiry = (): void => undefined;
  const linger = new AdaptiveLinger({
    lingerMs,
    idleLingerMs,
    now: () => clock.now,
    onExpire: () => {
      expiries += 1;
      onExpiry();
    },
  });
  made.push(linger);
  const sendsAt = (...gapsMs: number[]): void => {
    for (const gap of gapsMs) {
      clock.now += gap;
      linger.noteSend(clock.now);
    }
  };
  const advance = (ms: number): void => {
    clock.now += ms;
  };
  const expiry = (): Promise<void> =>
    new Promise((resolve) => {
      onExpiry = resolve;
    });
  return { linger, sendsAt, advance, expiry, expiries: () => expiries };
}

const afterTimersOf = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

describe('AdaptiveLinger', () => {
  it('waits only the idle window while sends are sparse', () => {
    const { linger, sendsAt } = lingerOf(LINGER_MS, 0);
    sendsAt(0, 100, 100, 100);
    expect(linger.windowMs).toBe(0);
  });

  it('waits the full linger once most sends come within a linger of the one before', () => {
    const { linger, sendsAt } = lingerOf(LINGER_MS, 0);
    sendsAt(0, 1, 1, 1);
    // Three close sends: a share of 0.488, still sparse.
    expect(linger.windowMs).toBe(0);
    sendsAt(1);
    expect(linger.windowMs).toBe(LINGER_MS);
  });

  it('goes back to the idle window when sends thin out again', () => {
    const { linger, sendsAt } = lingerOf(LINGER_MS, 0);
    sendsAt(0, 1, 1, 1, 1, 1, 1);
    expect(linger.windowMs).toBe(LINGER_MS);
    sendsAt(100, 100, 100);
    expect(linger.windowMs).toBe(0);
  });

  it('ends an armed window once, and stays expired until disarmed', async () => {
    const { linger, expiry, expiries } = lingerOf(LINGER_MS, 1);
    const ended = expiry();
    linger.arm();
    expect(linger.expired).toBe(false);
    await ended;
    expect(linger.expired).toBe(true);

    linger.arm();
    await afterTimersOf(LINGER_MS);
    expect(expiries()).toBe(1);
    linger.disarm();
    expect(linger.expired).toBe(false);
  });

  it('lets a shorter window take over from a longer one armed before', async () => {
    const { linger, sendsAt, advance, expiry } = lingerOf(HOLD_MS, 0);
    sendsAt(0, 1, 1, 1, 1);
    expect(linger.windowMs).toBe(HOLD_MS);
    // Armed a while after the last send (as when a batch is answered): it ends HOLD_MS from then.
    advance(HOLD_MS);
    linger.arm();

    const ended = expiry();
    // A send more than a linger after the one before tips the share to sparse.
    sendsAt(1);
    expect(linger.windowMs).toBe(0);
    linger.arm();

    await ended;
    expect(linger.expired).toBe(true);
  });

  it('keeps a shorter window armed when a longer one is asked for', async () => {
    const { linger, sendsAt, expiry } = lingerOf(HOLD_MS, 0);
    const ended = expiry();
    linger.arm();
    sendsAt(0, 1, 1, 1, 1);
    linger.arm();
    await ended;
    expect(linger.expired).toBe(true);
  });

  it('never ends a window that was disarmed', async () => {
    const { linger, expiries } = lingerOf(LINGER_MS, 0);
    linger.arm();
    linger.disarm();
    await afterTimersOf(LINGER_MS);
    expect(expiries()).toBe(0);
  });
});
