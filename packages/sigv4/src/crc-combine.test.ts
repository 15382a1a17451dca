import { randomBytes } from 'node:crypto';
import { createChecksum, type ChecksumAlgorithm } from './checksum';
import { combineCrcs } from './crc-combine';

const crcOf = (alg: ChecksumAlgorithm, data: Buffer) => {
  const c = createChecksum(alg);
  c.update(data);
  return c.digestBase64();
};

describe('combineCrcs', () => {
  it.each(['CRC32', 'CRC32C', 'CRC64NVME'] as ChecksumAlgorithm[])('%s of the parts equals %s of the whole', (alg) => {
    const sizes = [70_000, 70_000, 1, 123_457, 0, 5];
    const parts = sizes.map((n) => randomBytes(n));
    const whole = Buffer.concat(parts);
    expect(combineCrcs(alg, parts.map((b) => ({ checksum: crcOf(alg, b), size: b.length })))).toBe(crcOf(alg, whole));
  });

  it('is not a plain xor: reordering parts changes the result', () => {
    const a = randomBytes(1000);
    const b = randomBytes(2000);
    const ab = combineCrcs('CRC32', [{ checksum: crcOf('CRC32', a), size: a.length }, { checksum: crcOf('CRC32', b), size: b.length }]);
    const ba = combineCrcs('CRC32', [{ checksum: crcOf('CRC32', b), size: b.length }, { checksum: crcOf('CRC32', a), size: a.length }]);
    expect(ab).not.toBe(ba);
  });
});
