import type { crc32c as nodeRsCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli, reflected poly 0x82F63B78). Native where it can be: @node-rs/crc32's SIMD
 * CRC-32C (a prebuilt binary per platform, no install script) runs at ~5.8 GB/s here, against
 * ~840 MiB/s for the slice-by-8 below. The slice-by-8 is the fallback on a platform without a
 * binary; @aws-crypto/crc32c does one table lookup per byte (~60 MB/s), too slow for whole-object
 * checksums. Both are cross-checked against it in the tests.
 */

/** `crc32c(data, previous)`: the CRC of what `previous` covered followed by `data`; undefined without a binary. */
export const nativeCrc32c: typeof nodeRsCrc32c | undefined = loadNative();

function loadNative(): typeof nodeRsCrc32c | undefined {
  try {
    // A require, not an import: a platform without a binary must fall back, not fail to start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@node-rs/crc32') as { crc32c: typeof nodeRsCrc32c }).crc32c;
  } catch {
    return undefined;
  }
}

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];

function buildTables(): void {
  const base = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    base[i] = c >>> 0;
  }
  TABLES.push(base);
  for (let s = 1; s < 8; s++) {
    const prev = TABLES[s - 1];
    const t = new Uint32Array(256);
    for (let i = 0; i < 256; i++) t[i] = ((prev[i] >>> 8) ^ base[prev[i] & 0xff]) >>> 0;
    TABLES.push(t);
  }
}
buildTables();

export class Crc32c {
  private crc = 0xffffffff;

  update(data: Uint8Array): void {
    let crc = this.crc;
    let i = 0;
    const len = data.length;
    const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
    while (i + 8 <= len) {
      const a = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
      crc =
        t7[a & 0xff] ^
        t6[(a >>> 8) & 0xff] ^
        t5[(a >>> 16) & 0xff] ^
        t4[a >>> 24] ^
        t3[data[i + 4]] ^
        t2[data[i + 5]] ^
        t1[data[i + 6]] ^
        t0[data[i + 7]];
      i += 8;
    }
    for (; i < len; i++) crc = (crc >>> 8) ^ t0[(crc ^ data[i]) & 0xff];
    this.crc = crc >>> 0;
  }

  digest(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}
