import { Backoff } from './backoff.js';

const OPTIONS = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2 };

describe('Backoff', () => {
  it('grows the cap of each delay by the multiplier up to the maximum', () => {
    const backoff = new Backoff(OPTIONS, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('draws each delay at random below its cap (full jitter)', () => {
    const backoff = new Backoff(OPTIONS, () => 0);
    expect([backoff.next(), backoff.next()]).toEqual([0, 0]);
  });

  it('starts again from the initial delay after a reset', () => {
    const backoff = new Backoff(OPTIONS, () => 0.5);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});
