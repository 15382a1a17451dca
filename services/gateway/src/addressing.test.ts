import { resolveHost, resolvePath } from './addressing';

const BASE = 'buckets.excloud.in';

describe('resolveHost', () => {
  it.each([
    ['acme.buckets.excloud.in', { kind: 'org', orgId: 'acme' }],
    ['ACME.Buckets.Excloud.IN:443', { kind: 'org', orgId: 'acme' }],
    ['photos.acme.buckets.excloud.in', { kind: 'org', orgId: 'acme', bucket: 'photos' }],
    ['my.dotted.bucket.acme.buckets.excloud.in', { kind: 'org', orgId: 'acme', bucket: 'my.dotted.bucket' }],
    ['acme.buckets.excloud.in.', { kind: 'org', orgId: 'acme' }],
    ['127.0.0.1:9000', { kind: 'local' }],
    ['localhost', { kind: 'local' }],
    ['[::1]:9000', { kind: 'local' }],
    ['buckets.excloud.in', { kind: 'unknown' }],
    ['evilbuckets.excloud.in', { kind: 'local' }],
  ])('%s', (host, expected) => {
    expect(resolveHost(host, BASE)).toEqual(expected);
  });
});

describe('resolvePath', () => {
  it('splits path-style bucket and key, decoding once', () => {
    expect(resolvePath('/b/a%20b/c%2Fd', undefined)).toEqual({ bucket: 'b', key: 'a b/c/d' });
    expect(resolvePath('/b', undefined)).toEqual({ bucket: 'b' });
    expect(resolvePath('/b/', undefined)).toEqual({ bucket: 'b', key: undefined });
    expect(resolvePath('/', undefined)).toEqual({});
    expect(resolvePath('/my.bucket/k', undefined)).toEqual({ bucket: 'my.bucket', key: 'k' });
  });

  it('keeps dots and repeated slashes in keys as S3 does', () => {
    expect(resolvePath('/b/../x//y/./z', undefined)).toEqual({ bucket: 'b', key: '../x//y/./z' });
  });

  it('treats the whole path as the key for virtual-hosted buckets', () => {
    expect(resolvePath('/dir/file.txt', 'photos')).toEqual({ bucket: 'photos', key: 'dir/file.txt' });
    expect(resolvePath('/', 'photos')).toEqual({ bucket: 'photos', key: undefined });
  });

  it('rejects invalid percent-encoding', () => {
    expect(() => resolvePath('/b/%E0%A4%A', undefined)).toThrow();
  });
});
