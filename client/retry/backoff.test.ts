import { Backoff } from './backoff.js';

const OPTIONS = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2 };

describe('Backoff', () => {
  it('grows each delay by the multiplier up to the cap', () => {
    const backoff = new Backoff(OPTIONS, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('randomises each delay over its upper half, never down to zero', () => {
    const backoff = new Backoff(OPTIONS, () => 0);
    expect([backoff.next(), backoff.next()]).toEqual([50, 100]);
  });

  it('starts again from the initial delay after a reset', () => {
    const backoff = new Backoff(OPTIONS, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});
