import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('serves an entry until its TTL has passed', () => {
    const cache = new ExpiringCache<string, number>({ ttlMs: 100, maxEntries: 10, now: clock });
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new ExpiringCache<string, number>({ ttlMs: 100, maxEntries: 2, now: clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = new ExpiringCache<string, number>({ ttlMs: 0, maxEntries: 2, now: clock });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets a deleted entry', () => {
    const cache = new ExpiringCache<string, number>({ ttlMs: 100, maxEntries: 2, now: clock });
    cache.set('a', 1);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
