/**
 * Keys known to exist on a target, so GET/HEAD/DELETE only touch objects that were written.
 * Readers lease a key while their request is in flight; DELETE only takes an unleased key, so
 * the mixed workload never reads an object it is deleting at the same moment (warp does the same).
 */
export class KeyPool {
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly leases = new Map<string, number>();

  get size(): number {
    return this.keys.length;
  }

  add(key: string): void {
    if (this.index.has(key)) return;
    this.index.set(key, this.keys.length);
    this.keys.push(key);
  }

  /** A random key, leased until release(); undefined when the pool is empty. */
  borrow(): string | undefined {
    if (this.keys.length === 0) return undefined;
    const key = this.keys[Math.floor(Math.random() * this.keys.length)];
    this.leases.set(key, (this.leases.get(key) ?? 0) + 1);
    return key;
  }

  release(key: string): void {
    const n = (this.leases.get(key) ?? 1) - 1;
    if (n <= 0) this.leases.delete(key);
    else this.leases.set(key, n);
  }

  /** Removes and returns a random key nobody is reading, or undefined if none was found. */
  take(): string | undefined {
    for (let attempt = 0; attempt < 16 && this.keys.length > 0; attempt++) {
      const key = this.keys[Math.floor(Math.random() * this.keys.length)];
      if (this.leases.has(key)) continue;
      this.remove(key);
      return key;
    }
    return undefined;
  }

  /** Up to n keys, the oldest first; the pool is unchanged. */
  sample(n: number): string[] {
    return this.keys.slice(0, n);
  }

  /** Removes and returns every key (for cleanup). */
  drain(): string[] {
    const all = [...this.keys];
    this.keys.length = 0;
    this.index.clear();
    return all;
  }

  private remove(key: string): void {
    const i = this.index.get(key)!;
    const last = this.keys.pop()!;
    if (last !== key) {
      this.keys[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(key);
  }
}
