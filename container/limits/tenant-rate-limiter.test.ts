import { TenantRateLimiter } from './tenant-rate-limiter.js';

describe('TenantRateLimiter', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst, then refuses with the time until the next token', () => {
    const limiter = new TenantRateLimiter({ ratePerSecond: 10, burst: 3, now: clock });
    expect([1, 2, 3].map(() => limiter.tryTake('acme'))).toEqual([0, 0, 0]);
    expect(limiter.tryTake('acme')).toBe(100);
    now += 100;
    expect(limiter.tryTake('acme')).toBe(0);
  });

  it('keeps tenants apart', () => {
    const limiter = new TenantRateLimiter({ ratePerSecond: 1, burst: 1, now: clock });
    expect(limiter.tryTake('acme')).toBe(0);
    expect(limiter.tryTake('acme')).toBeGreaterThan(0);
    expect(limiter.tryTake('globex')).toBe(0);
  });

  it('queues reservations one token interval apart, and a refused take does not jump the queue', () => {
    const limiter = new TenantRateLimiter({ ratePerSecond: 10, burst: 1, now: clock });
    expect([1, 2, 3].map(() => limiter.reserve('acme'))).toEqual([0, 100, 200]);
    expect(limiter.tryTake('acme')).toBe(300);
    now += 200;
    expect(limiter.tryTake('acme')).toBe(100);
  });

  it('never refills beyond the burst', () => {
    const limiter = new TenantRateLimiter({ ratePerSecond: 1_000, burst: 2, now: clock });
    limiter.tryTake('acme');
    now += 60_000;
    expect([1, 2, 3].map(() => limiter.tryTake('acme'))).toEqual([0, 0, 1]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TenantRateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});
