import type { ChecksumAlgorithm } from './checksum';

/**
 * CRC of a concatenation from the CRCs of its pieces, as zlib's crc32_combine does it
 * (multmodp / x2nmodp), generalised to the reflected CRCs S3 uses for FULL_OBJECT multipart
 * checksums. crc(A‖B) = crc(A)·x^(8·len(B)) mod P ⊕ crc(B).
 */
interface CrcParams {
  width: bigint;
  poly: bigint; // reflected polynomial
}

const PARAMS: Partial<Record<ChecksumAlgorithm, CrcParams>> = {
  CRC32: { width: 32n, poly: 0xedb88320n },
  CRC32C: { width: 32n, poly: 0x82f63b78n },
  CRC64NVME: { width: 64n, poly: 0x9a6c9329ac4bc9b5n },
};

export function isCombinableCrc(alg: ChecksumAlgorithm): boolean {
  return PARAMS[alg] !== undefined;
}

/** a·b mod P in the reflected representation (the top bit is x^0). */
function multmodp(p: CrcParams, a: bigint, b: bigint): bigint {
  let m = 1n << (p.width - 1n);
  let product = 0n;
  for (;;) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ p.poly : b >> 1n;
  }
  return product;
}

/** x^(n·2^k) mod P, from repeated squares of x. */
function x2nmodp(p: CrcParams, n: bigint, k: number): bigint {
  const table: bigint[] = [];
  let sq = 1n << (p.width - 2n); // x^1
  for (let i = 0; i < 64; i++) {
    table.push(sq);
    sq = multmodp(p, sq, sq);
  }
  let result = 1n << (p.width - 1n); // x^0
  while (n > 0n) {
    if (n & 1n) result = multmodp(p, table[k % 64]!, result);
    n >>= 1n;
    k++;
  }
  return result;
}

/**
 * Combines per-part CRCs (base64 of big-endian bytes, as S3 shows them) with the part sizes into
 * the CRC of the whole object. Shift factors are cached per length: parts are mostly one size.
 */
export function combineCrcs(alg: ChecksumAlgorithm, parts: Array<{ checksum: string; size: number }>): string {
  const p = PARAMS[alg];
  if (!p) throw new Error(`${alg} is not a combinable CRC`);
  const bytes = Number(p.width / 8n);
  const shifts = new Map<number, bigint>();
  let crc: bigint | undefined;
  for (const part of parts) {
    const value = BigInt('0x' + Buffer.from(part.checksum, 'base64').toString('hex').padStart(bytes * 2, '0'));
    if (crc === undefined) {
      crc = value;
      continue;
    }
    let shift = shifts.get(part.size);
    if (shift === undefined) {
      shift = x2nmodp(p, BigInt(part.size), 3);
      shifts.set(part.size, shift);
    }
    crc = multmodp(p, shift, crc) ^ value;
  }
  return Buffer.from((crc ?? 0n).toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}
