import { S3Error } from '@excloud/s3-protocol';
import { parseCopySource } from './copy-source';

describe('parseCopySource', () => {
  it('decodes bucket, key and version id', () => {
    expect(parseCopySource('/src-bucket/dir/a%20b%2Bc.txt?versionId=abc')).toEqual({ bucket: 'src-bucket', key: 'dir/a b+c.txt', versionId: 'abc' });
    expect(parseCopySource('src-bucket/k%C3%A9y')).toEqual({ bucket: 'src-bucket', key: 'kéy', versionId: undefined });
  });

  it('refuses a source without a key or with bad encoding', () => {
    for (const bad of ['bucket', 'bucket/', '/', '', 'b/%E0%A4%A']) {
      expect(() => parseCopySource(bad)).toThrow(S3Error);
    }
  });
});
