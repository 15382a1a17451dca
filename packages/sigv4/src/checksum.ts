import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { Crc32c } from './crc32c';
import { Crc64Nvme } from './crc64nvme';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface Checksum {
  update(b: Buffer): void;
  /** The digest as S3 shows it: base64 of the big-endian bytes. */
  digestBase64(): string;
}

/** Digest sizes in bytes, used to reject checksum values that cannot be well-formed. */
export const CHECKSUM_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

const HEADER_TO_ALGORITHM: Readonly<Record<string, ChecksumAlgorithm>> = {
  'x-amz-checksum-crc32': 'CRC32',
  'x-amz-checksum-crc32c': 'CRC32C',
  'x-amz-checksum-crc64nvme': 'CRC64NVME',
  'x-amz-checksum-sha1': 'SHA1',
  'x-amz-checksum-sha256': 'SHA256',
};

/** 'x-amz-checksum-crc32' -> 'CRC32'; anything else (including x-amz-checksum-type) -> null. */
export function checksumAlgorithmFromHeader(name: string): ChecksumAlgorithm | null {
  return HEADER_TO_ALGORITHM[name.trim().toLowerCase()] ?? null;
}

export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

function uint32Base64(value: number): string {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out.toString('base64');
}

export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32': {
      // zlib's native CRC-32 is the same IEEE polynomial and orders of magnitude faster than JS.
      let crc = 0;
      return { update: (b) => void (crc = zlib.crc32(b, crc)), digestBase64: () => uint32Base64(crc) };
    }
    case 'CRC32C': {
      const c = new Crc32c();
      return { update: (b) => c.update(b), digestBase64: () => uint32Base64(c.digest()) };
    }
    case 'CRC64NVME': {
      const c = new Crc64Nvme();
      return { update: (b) => c.update(b), digestBase64: () => c.digest().toString('base64') };
    }
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (b) => void h.update(b), digestBase64: () => h.digest('base64') };
    }
    default:
      throw new TypeError(`unknown checksum algorithm: ${String(alg)}`);
  }
}

/** True when `value` is canonical base64 of exactly the digest size of `alg`. */
export function isWellFormedChecksum(alg: ChecksumAlgorithm, value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === CHECKSUM_BYTES[alg] && bytes.toString('base64') === value;
}
