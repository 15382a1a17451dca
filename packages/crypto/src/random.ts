import { randomFillSync } from 'node:crypto';

/**
 * Fresh random bytes for data keys and nonces, cut from a pool filled by the CSPRNG a few KiB at a
 * time: one randomBytes call costs ~3 µs whatever its size, and every blob needs three values.
 * Each slice is handed out exactly once; a drained pool is replaced, never refilled in place, so a
 * slice a caller still holds never changes under it.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let used = 0;

export function freshRandom(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.allocUnsafeSlow(size));
  if (used + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_SIZE));
    used = 0;
  }
  const out = pool.subarray(used, used + size);
  used += size;
  return out;
}
