// parseAuth: what is accepted, and the S3 error code for each way auth can be malformed.
import { parseAuth, SigV4Error, type HttpRequestLike } from './index';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SIG = 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41';
const CRED = 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

function req(authorization: string | undefined, headers: Record<string, string> = {}, rawQuery = ''): HttpRequestLike {
  return {
    method: 'GET',
    rawPath: '/bucket/key',
    rawQuery,
    headers: {
      host: 'localhost:9000',
      'x-amz-date': '20130524T000000Z',
      'x-amz-content-sha256': EMPTY,
      ...(authorization === undefined ? {} : { authorization }),
      ...headers,
    },
  };
}

const header = (credential = CRED, signed = 'host;x-amz-content-sha256;x-amz-date', sig = SIG) =>
  `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${sig}`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SigV4Error);
    return (err as SigV4Error).code;
  }
  return undefined;
}

describe('parseAuth: anonymous and header auth', () => {
  it('returns null for anonymous requests', () => {
    expect(parseAuth(req(undefined))).toBeNull();
    expect(parseAuth(req(undefined, {}, 'list-type=2&X-Amz-Credential=x'))).toBeNull();
  });

  it.each([
    ['AWS4-HMAC-SHA256 Credential=%C,SignedHeaders=%S,Signature=%G'],
    ['AWS4-HMAC-SHA256 Credential=%C, SignedHeaders=%S, Signature=%G'],
    ['  AWS4-HMAC-SHA256   Credential=%C ,  SignedHeaders=%S ,Signature=%G  '],
    ['AWS4-HMAC-SHA256 Signature=%G, Credential=%C, SignedHeaders=%S'],
  ])('tolerates separator variations: %s', (template) => {
    const value = template.replace('%C', CRED).replace('%S', 'host;x-amz-content-sha256;x-amz-date').replace('%G', SIG);
    expect(parseAuth(req(value))).toMatchObject({
      kind: 'header',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date'],
      signature: SIG,
    });
  });

  it('accepts any region, and an access key id containing "/"', () => {
    expect(parseAuth(req(header('AK/20130524/excloud-fra1/s3/aws4_request')))).toMatchObject({ region: 'excloud-fra1' });
    expect(parseAuth(req(header('A/B/20130524/us-east-1/s3/aws4_request')))).toMatchObject({ accessKeyId: 'A/B' });
  });

  it('falls back to the Date header, in HTTP-date or ISO basic form', () => {
    const noAmzDate = (date: string) => {
      const r = req(header(CRED, 'date;host;x-amz-content-sha256'), { date });
      delete r.headers['x-amz-date'];
      return parseAuth(r);
    };
    expect(noAmzDate('Fri, 24 May 2013 00:00:00 GMT')).toMatchObject({ amzDate: '20130524T000000Z' });
    expect(noAmzDate('20130524T101112Z')).toMatchObject({ amzDate: '20130524T101112Z' });
  });

  it.each([
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
    ['UNSIGNED-PAYLOAD'],
  ])('payload mode %s', (mode) => {
    expect(parseAuth(req(header(), { 'x-amz-content-sha256': mode }))).toMatchObject({ payloadHash: mode, payloadMode: mode });
  });

  it('accepts headersDistinct-style arrays', () => {
    const r = req(undefined);
    r.headers = Object.fromEntries(Object.entries({ ...r.headers, authorization: header() }).map(([k, v]) => [k, [v as string]]));
    expect(parseAuth(r)).toMatchObject({ kind: 'header', payloadMode: 'signed' });
  });

  it.each<[string, HttpRequestLike, string]>([
    ['SigV2', req('AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='), 'InvalidArgument'],
    ['SigV4a', req(header().replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), 'InvalidArgument'],
    ['empty Authorization', req(''), 'InvalidArgument'],
    ['header and query auth together', req(header(), {}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256'), 'InvalidArgument'],
    ['missing Signature', req(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host`), 'AuthorizationHeaderMalformed'],
    ['duplicate component', req(header() + `, Signature=${SIG}`), 'AuthorizationHeaderMalformed'],
    ['unknown component', req(header() + ', Foo=bar'), 'AuthorizationHeaderMalformed'],
    ['component without =', req(header() + ', Foo'), 'AuthorizationHeaderMalformed'],
    ['short credential', req(header('AK/20130524/us-east-1/s3')), 'AuthorizationHeaderMalformed'],
    ['empty access key', req(header('/20130524/us-east-1/s3/aws4_request')), 'AuthorizationHeaderMalformed'],
    ['wrong service', req(header('AK/20130524/us-east-1/iam/aws4_request')), 'AuthorizationHeaderMalformed'],
    ['wrong terminal', req(header('AK/20130524/us-east-1/s3/aws4_requests')), 'AuthorizationHeaderMalformed'],
    ['credential date != x-amz-date', req(header('AK/20130525/us-east-1/s3/aws4_request')), 'AuthorizationHeaderMalformed'],
    ['host not signed', req(header(CRED, 'x-amz-content-sha256;x-amz-date')), 'AuthorizationHeaderMalformed'],
    ['empty signed header name', req(header(CRED, 'host;;x-amz-date')), 'AuthorizationHeaderMalformed'],
    ['bad x-amz-date', req(header(), { 'x-amz-date': '2013-05-24T00:00:00Z' }), 'AccessDenied'],
    ['impossible x-amz-date', req(header(), { 'x-amz-date': '20130532T000000Z' }), 'AccessDenied'],
    ['bad x-amz-content-sha256', req(header(), { 'x-amz-content-sha256': 'abc' }), 'InvalidArgument'],
    ['unsigned x-amz-meta header', req(header(), { 'x-amz-meta-a': '1' }), 'AccessDenied'],
  ])('%s -> %s', (_name, r, code) => {
    expect(codeOf(() => parseAuth(r))).toBe(code);
  });

  it('requires x-amz-content-sha256 for header auth', () => {
    const r = req(header());
    delete r.headers['x-amz-content-sha256'];
    expect(() => parseAuth(r)).toThrow(
      expect.objectContaining({ code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' }),
    );
  });

  it('requires a Date or x-amz-date header', () => {
    const r = req(header());
    delete r.headers['x-amz-date'];
    expect(() => parseAuth(r)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    r.headers.date = 'Fri, 24 May 2013 00:00:00 +0200';
    expect(() => parseAuth(r)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });

  it('names the unsigned x-amz-* headers, but lets x-amz-content-sha256 go unsigned like S3', () => {
    const r = req(header(CRED, 'host;x-amz-date'), { 'x-amz-tagging': 'a=b', 'x-amz-acl': 'public-read', 'x-amzn-trace-id': 'x' });
    expect(() => parseAuth(r)).toThrow(
      expect.objectContaining({ code: 'AccessDenied', details: { HeadersNotSigned: 'x-amz-tagging, x-amz-acl' } }),
    );
    expect(parseAuth(req(header(CRED, 'host;x-amz-date')))).toMatchObject({ kind: 'header' });
  });
});

describe('parseAuth: presigned URLs', () => {
  const q = (over: Record<string, string | null> = {}) => {
    const params: Record<string, string | null> = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': encodeURIComponent(CRED),
      'X-Amz-Date': '20130524T000000Z',
      'X-Amz-Expires': '86400',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': SIG,
      ...over,
    };
    return Object.entries(params)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  };
  const presigned = (rawQuery: string, headers: Record<string, string> = {}): HttpRequestLike => ({
    method: 'GET',
    rawPath: '/bucket/key',
    rawQuery,
    headers: { host: 'localhost:9000', ...headers },
  });

  it('parses the parameters', () => {
    expect(parseAuth(presigned(q()))).toMatchObject({
      kind: 'presigned',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      date: '20130524',
      amzDate: '20130524T000000Z',
      signedHeaders: ['host'],
      signature: SIG,
      payloadHash: 'UNSIGNED-PAYLOAD',
      payloadMode: 'UNSIGNED-PAYLOAD',
      expiresSeconds: 86400,
    });
  });

  it('takes the payload hash from X-Amz-Content-Sha256 in the query, as the S3 presigner hoists it', () => {
    expect(parseAuth(presigned(q({ 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' })))).toMatchObject({ payloadMode: 'UNSIGNED-PAYLOAD' });
    expect(parseAuth(presigned(q({ 'x-amz-content-sha256': EMPTY })))).toMatchObject({ payloadHash: EMPTY, payloadMode: 'signed' });
    expect(codeOf(() => parseAuth(presigned(q({ 'X-Amz-Content-Sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }))))).toBe('InvalidArgument');
  });

  it.each<[string, string, string]>([
    ['missing X-Amz-Signature', q({ 'X-Amz-Signature': null }), 'AuthorizationQueryParametersError'],
    ['missing X-Amz-Expires', q({ 'X-Amz-Expires': null }), 'AuthorizationQueryParametersError'],
    ['duplicate X-Amz-Date', q() + '&X-Amz-Date=20130524T000000Z', 'AuthorizationQueryParametersError'],
    ['other algorithm', q({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }), 'AuthorizationQueryParametersError'],
    ['bad X-Amz-Date', q({ 'X-Amz-Date': '20130524' }), 'AuthorizationQueryParametersError'],
    ['non-numeric X-Amz-Expires', q({ 'X-Amz-Expires': '1h' }), 'AuthorizationQueryParametersError'],
    ['negative X-Amz-Expires', q({ 'X-Amz-Expires': '-1' }), 'AuthorizationQueryParametersError'],
    ['wrong service', q({ 'X-Amz-Credential': 'AK%2F20130524%2Fus-east-1%2Fsts%2Faws4_request' }), 'AuthorizationQueryParametersError'],
    ['wrong terminal', q({ 'X-Amz-Credential': 'AK%2F20130524%2Fus-east-1%2Fs3%2Faws5_request' }), 'AuthorizationQueryParametersError'],
    ['credential date mismatch', q({ 'X-Amz-Credential': 'AK%2F20130523%2Fus-east-1%2Fs3%2Faws4_request' }), 'AuthorizationQueryParametersError'],
    ['host not signed', q({ 'X-Amz-SignedHeaders': 'x-amz-date' }), 'AuthorizationQueryParametersError'],
  ])('%s', (_name, rawQuery, code) => {
    expect(codeOf(() => parseAuth(presigned(rawQuery)))).toBe(code);
  });

  it('refuses x-amz-* headers added to a presigned request without being signed', () => {
    expect(() => parseAuth(presigned(q(), { 'x-amz-copy-source': '/other/key' }))).toThrow(
      expect.objectContaining({ code: 'AccessDenied', details: { HeadersNotSigned: 'x-amz-copy-source' } }),
    );
    const signed = presigned(q({ 'X-Amz-SignedHeaders': 'host%3Bx-amz-server-side-encryption' }), { 'x-amz-server-side-encryption': 'AES256' });
    expect(parseAuth(signed)).toMatchObject({ signedHeaders: ['host', 'x-amz-server-side-encryption'] });
  });
});
