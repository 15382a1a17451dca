import {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithmFromHeader,
  checksumAlgorithmOf,
  checksumHeaderName,
  checksumHeaders,
  checksumXmlFields,
  checksumsFromXmlFields,
} from './checksums';
import { header } from './headers';

describe('checksum vocabulary', () => {
  it('names every algorithm as S3 does in headers and XML', () => {
    expect(CHECKSUM_ALGORITHMS.map(checksumHeaderName)).toEqual([
      'x-amz-checksum-crc32',
      'x-amz-checksum-crc32c',
      'x-amz-checksum-crc64nvme',
      'x-amz-checksum-sha1',
      'x-amz-checksum-sha256',
    ]);
    expect(Object.keys(checksumXmlFields({ SHA256: 's', CRC32: 'c' }))).toEqual(['ChecksumCRC32', 'ChecksumSHA256']);
  });

  it('reads algorithms from headers and values, case-insensitively, and nothing else', () => {
    expect(checksumAlgorithmFromHeader('X-Amz-Checksum-CRC64NVME')).toBe('CRC64NVME');
    expect(checksumAlgorithmFromHeader('x-amz-checksum-type')).toBeNull();
    expect(checksumAlgorithmFromHeader('x-amz-checksum-md5')).toBeNull();
    expect(checksumAlgorithmOf(' crc32c ')).toBe('CRC32C');
    expect(checksumAlgorithmOf('MD5')).toBeUndefined();
  });

  it('round-trips checksums through XML fields and renders headers', () => {
    const sums = { CRC32: 'AAAAAA==', SHA1: 'x' };
    expect(checksumsFromXmlFields({ ...checksumXmlFields(sums), ChecksumMD5: 'ignored', ChecksumSHA256: 7 })).toEqual(sums);
    expect(checksumHeaders(sums)).toEqual({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': 'x' });
  });
});

describe('header', () => {
  it('joins repeated headers and treats an empty list as absent', () => {
    expect(header({ headers: { a: ['1', '2'], b: [], c: 'x' } }, 'a')).toBe('1,2');
    expect(header({ headers: { b: [] } }, 'b')).toBeUndefined();
    expect(header({ headers: { c: 'x' } }, 'c')).toBe('x');
  });
});
