// aws-chunked bodies with trailing checksums, signed (-PAYLOAD-TRAILER) and unsigned.
import { randomBytes } from 'node:crypto';
import {
  canonicalTrailers,
  checksumHeaderName,
  computeSignature,
  createChecksum,
  deriveSigningKey,
  trailerStringToSign,
  type ChecksumAlgorithm,
  type ChunkedDecoderOptions,
} from './index';
import { EXAMPLE_SECRET, encodeAwsChunked } from './test-support/aws-chunked';
import { runDecoder } from './test-support/run-decoder';

const KEY = deriveSigningKey(EXAMPLE_SECRET, '20130524', 'us-east-1', 's3');
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const AMZ_DATE = '20130524T000000Z';
const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

function checksumOf(alg: ChecksumAlgorithm, data: Buffer): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digestBase64();
}

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', () => {
  const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
  const opts: ChunkedDecoderOptions = {
    mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    signingKey: KEY,
    seedSignature: seed,
    amzDate: AMZ_DATE,
    scope: SCOPE,
    decodedContentLength: 66560,
    expectedTrailer: 'x-amz-checksum-crc32c',
  };

  /** The body of the AWS trailing-header example, with its published signatures. */
  function awsTrailerExample(trailerLine = 'x-amz-checksum-crc32c:sOO8/Q=='): Buffer {
    return Buffer.concat([
      Buffer.from('10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n'),
      Buffer.alloc(65536, 'a'),
      Buffer.from('\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n'),
      Buffer.alloc(1024, 'a'),
      Buffer.from('\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n'),
      Buffer.from(`${trailerLine}\r\n`),
      Buffer.from('x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n'),
    ]);
  }

  it('decodes the AWS example (66946 bytes) and verifies its trailer signature and CRC32C', async () => {
    const body = awsTrailerExample();
    expect(body.length).toBe(66946);
    expect(checksumOf('CRC32C', Buffer.alloc(66560, 'a'))).toBe('sOO8/Q==');
    for (const writeSize of [body.length, 1, 13]) {
      const r = await runDecoder(opts, body, writeSize);
      expect(r.error).toBeUndefined();
      expect(r.data.equals(Buffer.alloc(66560, 'a'))).toBe(true);
      expect(r.trailers).toEqual({ 'x-amz-checksum-crc32c': 'sOO8/Q==' });
    }
  });

  it('the published trailer signature is over "x-amz-checksum-crc32c:sOO8/Q==\\n"', () => {
    const previous = '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992';
    const canonical = canonicalTrailers([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
    expect(canonical).toBe('x-amz-checksum-crc32c:sOO8/Q==\n');
    expect(computeSignature(KEY, trailerStringToSign(AMZ_DATE, SCOPE, previous, canonical))).toBe(
      'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
    );
  });

  it('rejects a changed trailer value under the original trailer signature', async () => {
    const r = await runDecoder(opts, awsTrailerExample('x-amz-checksum-crc32c:AAAAAA=='));
    expect(r.error).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(r.trailers).toEqual({});
  });

  it.each(ALGORITHMS)('round-trips a %s trailer with random chunking', async (alg) => {
    const data = randomBytes(100_000 + Math.floor(Math.random() * 50_000));
    const name = checksumHeaderName(alg);
    const signedSeed = randomBytes(32).toString('hex');
    const common = { signingKey: KEY, seedSignature: signedSeed, amzDate: AMZ_DATE, scope: SCOPE };
    const { body } = encodeAwsChunked({
      ...common,
      mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      data,
      chunkSizes: [8192, 30_000, data.length - 38_192],
      trailers: [[name, checksumOf(alg, data)]],
    });
    const decoderOpts: ChunkedDecoderOptions = {
      ...common,
      mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      decodedContentLength: data.length,
      expectedTrailer: name,
    };
    const r = await runDecoder(decoderOpts, body, 1 + Math.floor(Math.random() * 3000));
    expect(r.error).toBeUndefined();
    expect(r.data.equals(data)).toBe(true);
    expect(r.trailers).toEqual({ [name]: checksumOf(alg, data) });
  });

  it('rejects a correctly signed but wrong checksum with BadDigest naming the algorithm', async () => {
    const data = randomBytes(20_000);
    const wrong = checksumOf('CRC32', Buffer.from('something else'));
    const { body } = encodeAwsChunked({ ...opts, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', data, trailers: [['x-amz-checksum-crc32', wrong]] });
    const r = await runDecoder({ ...opts, decodedContentLength: data.length, expectedTrailer: 'x-amz-checksum-crc32' }, body);
    expect(r.error).toMatchObject({ code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.' });
  });

  it('requires the trailer signature in the signed-trailer mode', async () => {
    const data = randomBytes(1000);
    const { body } = encodeAwsChunked({ ...opts, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', data, trailers: [['x-amz-checksum-crc32', checksumOf('CRC32', data)]] });
    const stripped = body.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]{64}\r\n/, '');
    const r = await runDecoder({ ...opts, decodedContentLength: data.length, expectedTrailer: 'x-amz-checksum-crc32' }, Buffer.from(stripped, 'latin1'));
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
  });
});

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const unsigned = (data: Buffer, trailers: Array<[string, string]>, chunkSizes?: number[]) =>
    encodeAwsChunked({ mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', data, trailers, chunkSizes }).body;
  const opts = (data: Buffer, expectedTrailer?: string): ChunkedDecoderOptions => ({
    mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    decodedContentLength: data.length,
    expectedTrailer,
  });

  it.each(ALGORITHMS)('decodes and verifies a %s trailer, including 1-byte writes', async (alg) => {
    const data = randomBytes(70_000);
    const name = checksumHeaderName(alg);
    const body = unsigned(data, [[name, checksumOf(alg, data)]]);
    for (const writeSize of [body.length, 1]) {
      const r = await runDecoder(opts(data, name), body, writeSize);
      expect(r.error).toBeUndefined();
      expect(r.data.equals(data)).toBe(true);
      expect(r.trailers).toEqual({ [name]: checksumOf(alg, data) });
    }
  });

  it('decodes the SDK shape "hex\\r\\ndata\\r\\n0\\r\\ntrailer\\r\\n\\r\\n" and tolerates chunk extensions', async () => {
    const data = Buffer.from('hello world');
    const crc = checksumOf('CRC32', data);
    const body = Buffer.from(`5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`);
    const r = await runDecoder(opts(data, 'x-amz-checksum-crc32'), body, 1);
    expect(r.error).toBeUndefined();
    expect(r.data.toString()).toBe('hello world');
    expect(r.trailers).toEqual({ 'x-amz-checksum-crc32': crc });
  });

  it('decodes an empty payload with no trailer', async () => {
    const r = await runDecoder(opts(Buffer.alloc(0)), Buffer.from('0\r\n\r\n'));
    expect(r.error).toBeUndefined();
    expect(r.data.length).toBe(0);
  });

  it.each(ALGORITHMS)('a wrong %s value is BadDigest', async (alg) => {
    const data = randomBytes(5000);
    const name = checksumHeaderName(alg);
    const r = await runDecoder(opts(data, name), unsigned(data, [[name, checksumOf(alg, Buffer.from('x'))]]));
    expect(r.error).toMatchObject({ code: 'BadDigest', message: `The ${alg} you specified did not match the calculated checksum.` });
  });

  it('a flipped data byte is caught by the checksum', async () => {
    const data = randomBytes(5000);
    const body = unsigned(data, [['x-amz-checksum-crc32c', checksumOf('CRC32C', data)]]);
    body[100] ^= 1;
    const r = await runDecoder(opts(data, 'x-amz-checksum-crc32c'), body);
    expect(r.error).toMatchObject({ code: 'BadDigest' });
  });

  it.each<[string, string | undefined, Array<[string, string]>]>([
    ['a declared trailer is missing', 'x-amz-checksum-crc32', []],
    ['an undeclared trailer arrives', undefined, [['x-amz-checksum-crc32', 'AAAAAA==']]],
    ['a different trailer than declared arrives', 'x-amz-checksum-sha256', [['x-amz-checksum-crc32', 'AAAAAA==']]],
    ['the checksum value is not base64 of the right size', 'x-amz-checksum-crc32', [['x-amz-checksum-crc32', 'AAAA']]],
    ['the checksum value is garbage', 'x-amz-checksum-crc32', [['x-amz-checksum-crc32', 'not-base64!!']]],
    ['an unsupported checksum is declared', 'x-amz-checksum-md5', [['x-amz-checksum-md5', 'AAAA']]],
    ['a trailer line has no colon', 'x-amz-checksum-crc32', [['x-amz-checksum-crc32 AAAAAA==', '']]],
  ])('InvalidRequest when %s', async (_name, declared, trailers) => {
    const data = randomBytes(100);
    const body =
      trailers.length === 1 && trailers[0][1] === ''
        ? Buffer.from(`64\r\n${data.toString('latin1')}\r\n0\r\n${trailers[0][0]}\r\n\r\n`, 'latin1')
        : unsigned(data, trailers);
    const r = await runDecoder(opts(data, declared), body);
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
  });

  it('x-amz-trailer with a non-trailer mode fails the stream, not the constructor', async () => {
    const r = await runDecoder(
      {
        mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        signingKey: KEY,
        seedSignature: 'a'.repeat(64),
        amzDate: AMZ_DATE,
        scope: SCOPE,
        expectedTrailer: 'x-amz-checksum-crc32',
      },
      Buffer.from('0\r\n\r\n'),
    );
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
  });

  it('a truncated trailer section is IncompleteBody', async () => {
    const data = randomBytes(100);
    const body = unsigned(data, [['x-amz-checksum-crc32', checksumOf('CRC32', data)]]);
    const r = await runDecoder(opts(data, 'x-amz-checksum-crc32'), body.subarray(0, body.length - 8));
    expect(r.error).toMatchObject({ code: 'IncompleteBody' });
  });
});
