import { assertNoNul, assertSingleHeaders, assertValidBucketName, assertValidKey, userMetadataFrom } from './validation';

describe('bucket names', () => {
  it.each(['abc', 'my-bucket', 'my.bucket.name', 'a'.repeat(63), '123bucket', 'a-b.c-d', '1.2.3', 'xn-abc', 'sthree', 'demo-s3alias-x'])('accepts %s', (n) => {
    expect(() => assertValidBucketName(n)).not.toThrow();
  });
  it.each(['ab', 'a'.repeat(64), 'My-Bucket', 'bucket_', '-bucket', 'bucket-', 'my..bucket', '192.168.5.4', 'xn--abc', 'abc-s3alias', 'a b c',
    'a.-b', 'a-.b', 'sthree-x', 'sthree-configurator-x', 'amzn-s3-demo-bucket', 'x--ol-s3', 'x.mrap', 'x--x-s3', 'x--table-s3'])(
    'rejects %s with InvalidBucketName',
    (n) => {
      expect(() => assertValidBucketName(n)).toThrow(expect.objectContaining({ code: 'InvalidBucketName', status: 400 }));
    },
  );
});

describe('keys and metadata', () => {
  it('limits keys to 1024 UTF-8 bytes', () => {
    expect(() => assertValidKey('a'.repeat(1024))).not.toThrow();
    expect(() => assertValidKey('a'.repeat(1025))).toThrow(expect.objectContaining({ code: 'KeyTooLongError' }));
    expect(() => assertValidKey('é'.repeat(513))).toThrow(expect.objectContaining({ code: 'KeyTooLongError' }));
  });

  it('collects x-amz-meta-* and enforces 2 KB', () => {
    expect(userMetadataFrom({ 'x-amz-meta-color': 'blue', 'content-type': 'x' })).toEqual({ color: 'blue' });
    expect(() => userMetadataFrom({ 'x-amz-meta-big': 'v'.repeat(2045) })).not.toThrow();
    expect(() => userMetadataFrom({ 'x-amz-meta-big': 'v'.repeat(2046) })).toThrow(expect.objectContaining({ code: 'MetadataTooLarge' }));
  });
});

describe('relative path segments', () => {
  it.each([['a/../b', true], ['a/b/../../c', true], ['../x', false], ['a/../../x', false], ['./../x', false], ['..backup/x', true], ['.hidden', true]])(
    '%s -> %s',
    (key, ok) => {
      if (ok) expect(() => assertValidKey(key)).not.toThrow();
      else expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ status: 400, bodiless: true }));
    },
  );
});

describe('request checks', () => {
  it('refuses NUL in any query parameter or key as InvalidArgument naming the parameter', () => {
    for (const name of ['prefix', 'start-after', 'marker', 'key-marker', 'upload-id-marker', 'delimiter']) {
      expect(() => assertNoNul(new URLSearchParams({ [name]: 'a\0b' }), undefined)).toThrow(
        expect.objectContaining({ code: 'InvalidArgument', status: 400, fields: { ArgumentName: name } }),
      );
    }
    expect(() => assertNoNul(new URLSearchParams(), 'a\0b')).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => assertNoNul(new URLSearchParams({ prefix: 'a/b', marker: '' }), 'k')).not.toThrow();
  });

  it('refuses a second Authorization or Host header, whatever its case', () => {
    expect(() => assertSingleHeaders(['Host', 'h', 'Authorization', 'a', 'authorization', 'b'])).toThrow(expect.objectContaining({ code: 'InvalidArgument', fields: { ArgumentName: 'Authorization' } }));
    expect(() => assertSingleHeaders(['Host', 'h', 'host', 'g'])).toThrow(expect.objectContaining({ fields: { ArgumentName: 'Host' } }));
    expect(() => assertSingleHeaders(['Host', 'h', 'Authorization', 'a', 'X-Amz-Date', 'd'])).not.toThrow();
  });
});
