import { KeyPool } from './key-pool';

describe('KeyPool', () => {
  it('hands out only keys that were added, and take removes them', () => {
    const pool = new KeyPool();
    for (let i = 0; i < 50; i++) pool.add(`k${i}`);
    pool.add('k3');
    expect(pool.size).toBe(50);
    const taken = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const k = pool.take();
      expect(k).toBeDefined();
      expect(taken.has(k!)).toBe(false);
      taken.add(k!);
    }
    expect(pool.size).toBe(0);
    expect(pool.take()).toBeUndefined();
    expect(pool.borrow()).toBeUndefined();
  });

  it('never takes a key that is leased to a reader', () => {
    const pool = new KeyPool();
    pool.add('only');
    const k = pool.borrow();
    expect(k).toBe('only');
    expect(pool.take()).toBeUndefined();
    pool.release(k!);
    expect(pool.take()).toBe('only');
  });

  it('drain empties the pool', () => {
    const pool = new KeyPool();
    ['a', 'b', 'c'].forEach((k) => pool.add(k));
    expect(pool.drain().sort()).toEqual(['a', 'b', 'c']);
    expect(pool.size).toBe(0);
  });
});
