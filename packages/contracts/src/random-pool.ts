import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from the same CSPRNG as randomBytes, fetched 4 KiB at a time: ids minted per
 * request (request ids, blob ids) and every blob's data key and nonces cost one native call per
 * ~200 values instead of one each (a call costs ~3 µs whatever its size). A
 * refill allocates a new buffer, so bytes handed out are never overwritten or handed out twice.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(n));
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}
