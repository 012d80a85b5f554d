import { retryDelaySeconds } from './retry-delay.js';

const options = { baseDelayMs: 1_000, maxDelaySeconds: 60 };

describe('retryDelaySeconds', () => {
  it('doubles with each attempt', () => {
    const top = (attempt: number): number =>
      retryDelaySeconds(attempt, { ...options, random: () => 0.999 });
    expect([1, 2, 3, 4].map(top)).toEqual([1, 2, 4, 8]);
  });

  it('draws the delay at random below the cap, rounded up to whole seconds', () => {
    expect(retryDelaySeconds(4, { ...options, random: () => 0.3 })).toBe(3);
  });

  it('waits at least a second however low the draw', () => {
    expect(retryDelaySeconds(4, { ...options, random: () => 0 })).toBe(1);
  });

  it('never exceeds the channel cap', () => {
    expect(retryDelaySeconds(30, { ...options, random: () => 0.999 })).toBe(60);
  });

  it('is zero when the base delay is zero', () => {
    expect(retryDelaySeconds(3, { ...options, baseDelayMs: 0, random: Math.random })).toBe(0);
  });
});
