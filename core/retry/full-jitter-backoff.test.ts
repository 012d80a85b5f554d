import { fullJitterDelayMs } from './full-jitter-backoff.js';

const POLICY = { initialBackoffMs: 100, maxBackoffMs: 1_000 };
/** The largest value `Math.random` may return. */
const ALMOST_ONE = 1 - Number.EPSILON;

describe('fullJitterDelayMs', () => {
  it('doubles the cap with each retry up to the maximum', () => {
    const top = (attempt: number): number => fullJitterDelayMs(attempt, POLICY, () => ALMOST_ONE);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('grows by the policy multiplier when one is given', () => {
    const policy = { ...POLICY, multiplier: 3 };
    expect(fullJitterDelayMs(3, policy, () => 0.5)).toBe(450);
  });

  it('draws the whole delay at random, down to zero', () => {
    expect(fullJitterDelayMs(4, POLICY, () => 0)).toBe(0);
    expect(fullJitterDelayMs(4, POLICY, () => 0.25)).toBe(200);
  });

  it('treats attempt 0 like the first retry', () => {
    expect(fullJitterDelayMs(0, POLICY, () => 0.5)).toBe(50);
  });

  it('stays inside [0, cap) for any random draw', () => {
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const ms = fullJitterDelayMs(attempt, POLICY);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(POLICY.maxBackoffMs);
    }
  });
});
