// Canonical URI / query / header rules, checked piece by piece.
import { canonicalRequest, canonicalQueryString, canonicalUri, uriEncode, type ParsedAuth } from './index';

describe('uriEncode', () => {
  it('keeps only unreserved characters, upper-case hex, %20 for space', () => {
    expect(uriEncode("AZaz09-_.~ !*'()+/=&$,;:@")).toBe('AZaz09-_.~%20%21%2A%27%28%29%2B%2F%3D%26%24%2C%3B%3A%40');
    expect(uriEncode('a/b', true)).toBe('a/b');
    expect(uriEncode('ñ€😀')).toBe('%C3%B1%E2%82%AC%F0%9F%98%80');
  });
});

describe('canonicalUri', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/bucket/key', '/bucket/key'],
    // S3 does not normalise: no collapsing of '//' or dot segments, escapes are not re-encoded.
    ['/bucket//a/./b/../c', '/bucket//a/./b/../c'],
    ['/bucket/a%20b%2Fc', '/bucket/a%20b%2Fc'],
    ['/bucket/%7Etilde~', '/bucket/%7Etilde~'],
    ['/bucket/lower%2fhex', '/bucket/lower%2fhex'],
    // Characters that must be encoded but arrived bare are encoded once, the AWS way.
    ['/test$file.text', '/test%24file.text'],
    ["/b/k!*'()+,;=:@", '/b/k%21%2A%27%28%29%2B%2C%3B%3D%3A%40'],
    ['/b/100%', '/b/100%25'],
    ['/b/%zz', '/b/%25zz'],
    ['/b/ñ', '/b/%C3%B1'],
  ])('%s -> %s', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });
});

describe('canonicalQueryString', () => {
  it.each([
    ['', ''],
    ['uploads', 'uploads='],
    ['uploads=', 'uploads='],
    ['acl&versionId=3', 'acl=&versionId=3'],
    ['prefix=J&max-keys=2', 'max-keys=2&prefix=J'],
    ['x-id=GetObject&a=1', 'a=1&x-id=GetObject'],
    // Decoded then re-encoded: %7E -> ~, lower-case hex -> upper, '/' and '=' inside values encoded.
    ['prefix=a%7eb%2fc', 'prefix=a~b%2Fc'],
    ['prefix=a/b=c', 'prefix=a%2Fb%3Dc'],
    ['q=a%20b', 'q=a%20b'],
    // '+' is a literal plus in SigV4, never a space.
    ['q=a+b', 'q=a%2Bb'],
    ['q=%C3%B1', 'q=%C3%B1'],
    // Repeated names sort by value; names sort by code unit (upper-case before lower-case).
    ['b=2&a=2&a=1&B=0', 'B=0&a=1&a=2&b=2'],
    ['a&&b=', 'a=&b='],
    ['k=%FF%FE', 'k=%FF%FE'],
  ])('%s -> %s', (raw, canonical) => {
    expect(canonicalQueryString(raw)).toBe(canonical);
  });

  it('can leave a parameter out (X-Amz-Signature for presigned URLs)', () => {
    expect(canonicalQueryString('X-Amz-Signature=abc&b=1', (n) => n === 'X-Amz-Signature')).toBe('b=1');
  });
});

describe('canonicalRequest headers', () => {
  const auth = (signedHeaders: string[]): ParsedAuth => ({
    kind: 'header',
    accessKeyId: 'AK',
    date: '20130524',
    region: 'us-east-1',
    service: 's3',
    amzDate: '20130524T000000Z',
    signedHeaders,
    signature: '0'.repeat(64),
    payloadHash: 'UNSIGNED-PAYLOAD',
    payloadMode: 'UNSIGNED-PAYLOAD',
  });
  const headerBlock = (headers: Record<string, string | string[]>, signed: string[]) =>
    canonicalRequest({ method: 'PUT', rawPath: '/', rawQuery: '', headers }, auth(signed)).split('\n').slice(3, -3);

  it('trims values and collapses inner whitespace runs', () => {
    expect(headerBlock({ host: 'h', 'x-amz-meta-a': '  a   b \t c  ' }, ['host', 'x-amz-meta-a'])).toEqual(['host:h', 'x-amz-meta-a:a b c']);
  });

  it('joins multiple values with ","', () => {
    expect(headerBlock({ host: 'h', 'x-amz-meta-m': [' one ', 'two  2'] }, ['host', 'x-amz-meta-m'])).toEqual(['host:h', 'x-amz-meta-m:one,two 2']);
  });

  it('leaves out a signed header the request does not carry', () => {
    expect(headerBlock({ host: 'h' }, ['host', 'transfer-encoding'])).toEqual(['host:h']);
  });

  it('reads node latin1 header strings back as the UTF-8 the client signed', () => {
    const wire = Buffer.from('Grüße', 'utf8').toString('latin1');
    expect(headerBlock({ host: 'h', 'x-amz-meta-n': wire }, ['host', 'x-amz-meta-n'])).toEqual(['host:h', 'x-amz-meta-n:Grüße']);
    // A value that is not UTF-8 is left as it is.
    expect(headerBlock({ host: 'h', 'x-amz-meta-n': 'caf\xe9' }, ['host', 'x-amz-meta-n'])).toEqual(['host:h', 'x-amz-meta-n:caf\xe9']);
  });
});
