import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    const taken: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const b = pooledRandomBytes(16);
      expect(b.length).toBe(16);
      taken.push(b);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(1000);
    // A refill must not overwrite bytes already handed out.
    expect(new Set(taken.map((b) => b.toString('hex'))).size).toBe(1000);
  });

  it('serves requests larger than the pool', () => {
    const big = pooledRandomBytes(10_000);
    expect(big.length).toBe(10_000);
    expect(big.equals(Buffer.alloc(10_000))).toBe(false);
  });
});
