// Checksum digests against the standard check values and the AWS SDK implementations.
import { randomBytes } from 'node:crypto';
import { Crc32 } from '@aws-crypto/crc32';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { Crc32c as SliceBy8Crc32c, nativeCrc32c } from './crc32c';
import { checksumAlgorithmFromHeader, createChecksum, isWellFormedChecksum, type ChecksumAlgorithm } from './index';

const hexOf = (alg: ChecksumAlgorithm, ...parts: Buffer[]) => {
  const c = createChecksum(alg);
  for (const p of parts) c.update(p);
  return Buffer.from(c.digestBase64(), 'base64').toString('hex');
};

describe('createChecksum', () => {
  const check = Buffer.from('123456789');

  it.each<[ChecksumAlgorithm, string]>([
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
    ['SHA1', 'f7c3bc1d808e04732adf679965ccc34ca7ae3441'],
    ['SHA256', '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'],
  ])('%s("123456789") = %s, also when fed in pieces', (alg, hex) => {
    expect(hexOf(alg, check)).toBe(hex);
    expect(hexOf(alg, check.subarray(0, 1), check.subarray(1, 4), Buffer.alloc(0), check.subarray(4))).toBe(hex);
  });

  it('empty input gives the algorithms\' empty digests', () => {
    expect(hexOf('CRC32')).toBe('00000000');
    expect(hexOf('CRC32C')).toBe('00000000');
    expect(hexOf('CRC64NVME')).toBe('0000000000000000');
    expect(createChecksum('SHA256').digestBase64()).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('matches the AWS SDK CRC implementations on random data and random splits', async () => {
    for (let i = 0; i < 30; i++) {
      const data = randomBytes(Math.floor(Math.random() * 5000));
      const cut = Math.floor(Math.random() * data.length);
      const parts = [data.subarray(0, cut), data.subarray(cut)];
      const be32 = (n: number) => n.toString(16).padStart(8, '0');
      expect(hexOf('CRC32', ...parts)).toBe(be32(new Crc32().update(data).digest()));
      expect(hexOf('CRC32C', ...parts)).toBe(be32(new Crc32c().update(data).digest()));
      const ref = new Crc64Nvme();
      ref.update(data);
      expect(hexOf('CRC64NVME', ...parts)).toBe(Buffer.from(await ref.digest()).toString('hex'));
    }
  });

  it('CRC32C is native on this platform, and the slice-by-8 fallback agrees with the SDK', () => {
    // Linux x64 has a @node-rs/crc32 binary: were it missing, checksums would silently run ~7x slower.
    expect(nativeCrc32c).toBeDefined();
    for (let i = 0; i < 30; i++) {
      const data = randomBytes(Math.floor(Math.random() * 5000));
      const cut = Math.floor(Math.random() * data.length);
      const fallback = new SliceBy8Crc32c();
      fallback.update(data.subarray(0, cut));
      fallback.update(data.subarray(cut));
      expect(fallback.digest()).toBe(new Crc32c().update(data).digest());
    }
  });

  it('AWS example: CRC32C of 66560 x "a" is sOO8/Q==', () => {
    const c = createChecksum('CRC32C');
    c.update(Buffer.alloc(66560, 'a'));
    expect(c.digestBase64()).toBe('sOO8/Q==');
  });
});

describe('checksumAlgorithmFromHeader', () => {
  it.each([
    ['x-amz-checksum-crc32', 'CRC32'],
    ['x-amz-checksum-crc32c', 'CRC32C'],
    ['X-Amz-Checksum-CRC64NVME', 'CRC64NVME'],
    ['x-amz-checksum-sha1', 'SHA1'],
    ['x-amz-checksum-sha256', 'SHA256'],
    ['x-amz-checksum-type', null],
    ['x-amz-checksum-md5', null],
    ['content-md5', null],
  ])('%s -> %s', (name, alg) => {
    expect(checksumAlgorithmFromHeader(name)).toBe(alg);
  });

  it('isWellFormedChecksum checks size and canonical base64', () => {
    expect(isWellFormedChecksum('CRC32', 'sOO8/Q==')).toBe(true);
    expect(isWellFormedChecksum('CRC32', 'sOO8/Q')).toBe(false);
    expect(isWellFormedChecksum('CRC64NVME', 'sOO8/Q==')).toBe(false);
  });
});
