import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 1_000;
  const clock = () => now;

  it('serves an entry until its TTL, then forgets it', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 10, now: clock });
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('honours an earlier explicit expiry, never a later one', () => {
    const cache = new TtlCache<string, string>({ ttlMs: 100, maxEntries: 10, now: clock });
    cache.set('short', 'x', now + 10);
    cache.set('long', 'y', now + 10_000);
    now += 10;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBe('y');
    now += 90;
    expect(cache.get('long')).toBeUndefined();
  });

  it('evicts the oldest insertion when full', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 2, now: clock });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // refreshed: now the newest
    cache.set('c', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
  });
});
