import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { Crc32c, nativeCrc32c } from './crc32c';
import { Crc64Nvme } from './crc64nvme';

import type { ChecksumAlgorithm } from '@excloud/contracts';

// The vocabulary (algorithms, header names) lives in contracts; sigv4 re-exports it for its callers.
export { checksumAlgorithmFromHeader, checksumHeaderName, type ChecksumAlgorithm } from '@excloud/contracts';

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
      const native = nativeCrc32c;
      if (native) {
        let crc = 0;
        return { update: (b) => void (crc = native(b, crc)), digestBase64: () => uint32Base64(crc) };
      }
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
