/**
 * The one in-process cache with expiry (signing keys, anonymous tokens, org owners, bucket
 * existence). Entries expire after `ttlMs`, or earlier at an explicit `expiresAt`; the cache is
 * bounded, evicting the oldest insertion first, so a flood of distinct keys cannot grow it
 * without limit. `now` is injectable so tests need no clock tricks or sleeps.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries;
    this.now = opts.now ?? Date.now;
  }

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** `expiresAt` (epoch ms) shortens the entry's life below the TTL, never lengthens it. */
  set(key: K, value: V, expiresAt?: number): void {
    const byTtl = this.now() + this.ttlMs;
    this.entries.delete(key); // re-insert at the end: eviction order is insertion order
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: expiresAt === undefined ? byTtl : Math.min(byTtl, expiresAt) });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry the predicate matches (revocations: all scopes of a key, all keys of an org). */
  deleteWhere(match: (key: K, value: V) => boolean): void {
    for (const [key, e] of this.entries) if (match(key, e.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
