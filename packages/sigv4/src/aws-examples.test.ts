// The worked examples from the AWS S3 SigV4 documentation, reproduced exactly.
import {
  canonicalRequest,
  checkRequestTime,
  computeSignature,
  deriveSigningKey,
  parseAuth,
  sha256Hex,
  stringToSign,
  verifyRequest,
  verifySignature,
  type HttpRequestLike,
  type ParsedAuth,
} from './index';
import { EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET } from './test-support/aws-chunked';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const CREDENTIAL = `${EXAMPLE_ACCESS_KEY}/20130524/us-east-1/s3/aws4_request`;
const KEY = deriveSigningKey(EXAMPLE_SECRET, '20130524', 'us-east-1', 's3');
const EXAMPLE_TIME = new Date(Date.UTC(2013, 4, 24));

function headerRequest(
  method: string,
  rawPath: string,
  rawQuery: string,
  headers: Record<string, string>,
  signedHeaders: string,
  signature: string,
): HttpRequestLike {
  return {
    method,
    rawPath,
    rawQuery,
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIAL},SignedHeaders=${signedHeaders},Signature=${signature}`,
    },
  };
}

function expectVerifies(req: HttpRequestLike, expectedSignature: string, canonicalHash: string): ParsedAuth {
  const auth = parseAuth(req)!;
  expect(auth).not.toBeNull();
  const creq = canonicalRequest(req, auth);
  expect(sha256Hex(creq)).toBe(canonicalHash);
  const sts = stringToSign(auth, creq);
  expect(sts).toBe(`AWS4-HMAC-SHA256\n${auth.amzDate}\n20130524/us-east-1/s3/aws4_request\n${canonicalHash}`);
  expect(computeSignature(KEY, sts)).toBe(expectedSignature);
  expect(verifySignature(KEY, sts, expectedSignature)).toBe(true);
  expect(() => verifyRequest(req, auth, KEY)).not.toThrow();
  expect(() => checkRequestTime(auth, EXAMPLE_TIME)).not.toThrow();
  return auth;
}

describe('AWS published SigV4 examples (Authorization header)', () => {
  it('derives the signing key of the AWS general reference example', () => {
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('GET Object with Range', () => {
    const req = headerRequest(
      'GET',
      '/test.txt',
      '',
      { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' },
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    const auth = expectVerifies(
      req,
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(canonicalRequest(req, auth)).toBe(
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY,
      ].join('\n'),
    );
    expect(auth).toEqual({
      kind: 'header',
      accessKeyId: EXAMPLE_ACCESS_KEY,
      date: '20130524',
      region: 'us-east-1',
      service: 's3',
      amzDate: '20130524T000000Z',
      signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
      signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      payloadHash: EMPTY,
      payloadMode: 'signed',
    });
  });

  it('PUT Object: a bare "$" in the path is signed as %24', () => {
    const payloadHash = sha256Hex('Welcome to Amazon S3.');
    expect(payloadHash).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const req = headerRequest(
      'PUT',
      '/test$file.text',
      '',
      {
        host: 'examplebucket.s3.amazonaws.com',
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': payloadHash,
      },
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    );
    const auth = expectVerifies(
      req,
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
      '9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d',
    );
    expect(canonicalRequest(req, auth).split('\n')[1]).toBe('/test%24file.text');
    // The same path sent already encoded verifies identically.
    expectVerifies(
      { ...req, rawPath: '/test%24file.text' },
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
      '9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d',
    );
  });

  const bucketHeaders = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' };

  it('GET Bucket Lifecycle: ?lifecycle becomes lifecycle=', () => {
    const req = headerRequest(
      'GET',
      '/',
      'lifecycle',
      bucketHeaders,
      'host;x-amz-content-sha256;x-amz-date',
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
    const auth = expectVerifies(
      req,
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
      '9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca',
    );
    expect(canonicalRequest(req, auth).split('\n')[2]).toBe('lifecycle=');
  });

  it('GET Bucket (list objects) with ?max-keys=2&prefix=J, in either order', () => {
    for (const rawQuery of ['max-keys=2&prefix=J', 'prefix=J&max-keys=2']) {
      const req = headerRequest(
        'GET',
        '/',
        rawQuery,
        bucketHeaders,
        'host;x-amz-content-sha256;x-amz-date',
        '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
      );
      expectVerifies(
        req,
        '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
        'df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7',
      );
    }
  });

  it('rejects the GET example when any signed part changes', () => {
    const base = headerRequest(
      'GET',
      '/test.txt',
      '',
      { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' },
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    const variants: HttpRequestLike[] = [
      { ...base, method: 'HEAD' },
      { ...base, rawPath: '/test.txT' },
      { ...base, rawQuery: 'x=1' },
      { ...base, headers: { ...base.headers, range: 'bytes=0-10' } },
      { ...base, headers: { ...base.headers, host: 'evil.example.com' } },
    ];
    for (const req of variants) {
      const auth = parseAuth(req)!;
      expect(() => verifyRequest(req, auth, KEY)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
    }
    const wrongKey = deriveSigningKey(EXAMPLE_SECRET, '20130524', 'us-west-2', 's3');
    expect(() => verifyRequest(base, parseAuth(base)!, wrongKey)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
  });
});

describe('AWS published presigned URL example', () => {
  const rawQuery =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const req: HttpRequestLike = { method: 'GET', rawPath: '/test.txt', rawQuery, headers: { host: 'examplebucket.s3.amazonaws.com' } };

  it('parses, canonicalizes without X-Amz-Signature, and verifies', () => {
    const auth = parseAuth(req)!;
    expect(auth).toMatchObject({
      kind: 'presigned',
      accessKeyId: EXAMPLE_ACCESS_KEY,
      date: '20130524',
      region: 'us-east-1',
      service: 's3',
      amzDate: '20130524T000000Z',
      signedHeaders: ['host'],
      signature: 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      payloadHash: 'UNSIGNED-PAYLOAD',
      payloadMode: 'UNSIGNED-PAYLOAD',
      expiresSeconds: 86400,
    });
    const creq = canonicalRequest(req, auth);
    expect(creq).toBe(
      [
        'GET',
        '/test.txt',
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
        'host:examplebucket.s3.amazonaws.com',
        '',
        'host',
        'UNSIGNED-PAYLOAD',
      ].join('\n'),
    );
    const sts = stringToSign(auth, creq);
    expect(sha256Hex(creq)).toBe('3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04');
    expect(computeSignature(KEY, sts)).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
    expect(() => verifyRequest(req, auth, KEY)).not.toThrow();
    expect(() => checkRequestTime(auth, new Date(EXAMPLE_TIME.getTime() + 86400_000))).not.toThrow();
    expect(() => checkRequestTime(auth, new Date(EXAMPLE_TIME.getTime() + 86401_000))).toThrow('Request has expired');
  });

  it('rejects a presigned URL with an extra or altered parameter', () => {
    for (const q of [rawQuery + '&response-content-type=text%2Fhtml', rawQuery.replace('86400', '86401')]) {
      const r = { ...req, rawQuery: q };
      expect(() => verifyRequest(r, parseAuth(r)!, KEY)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
    }
  });
});

describe('AWS published chunked upload seed signatures', () => {
  const common = {
    host: 's3.amazonaws.com',
    'content-encoding': 'aws-chunked',
    'x-amz-date': '20130524T000000Z',
    'x-amz-decoded-content-length': '66560',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  };

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD seed signature', () => {
    const seed = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
    const req = headerRequest(
      'PUT',
      '/examplebucket/chunkObject.txt',
      '',
      { ...common, 'content-length': '66824', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
      'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
      seed,
    );
    const auth = expectVerifies(req, seed, 'cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455');
    expect(auth.payloadMode).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER seed signature', () => {
    const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
    const req = headerRequest(
      'PUT',
      '/examplebucket/chunkObject.txt',
      '',
      {
        ...common,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32c',
      },
      'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
      seed,
    );
    const auth = parseAuth(req)!;
    expect(auth.payloadMode).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
    expect(computeSignature(KEY, stringToSign(auth, canonicalRequest(req, auth)))).toBe(seed);
  });
});
