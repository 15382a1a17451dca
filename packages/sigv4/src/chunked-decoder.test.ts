// aws-chunked decoding with per-chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
import { randomBytes } from 'node:crypto';
import { createChunkedDecoder, deriveSigningKey, type ChunkedDecoderOptions } from './index';
import { EXAMPLE_SECRET, encodeAwsChunked } from './test-support/aws-chunked';
import { runDecoder } from './test-support/run-decoder';

const KEY = deriveSigningKey(EXAMPLE_SECRET, '20130524', 'us-east-1', 's3');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIG1 = 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648';
const SIG2 = '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497';
const SIG3 = 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9';
const PAYLOAD = Buffer.alloc(66560, 'a');

const OPTS: ChunkedDecoderOptions = {
  mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  signingKey: KEY,
  seedSignature: SEED,
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
  decodedContentLength: 66560,
};

/** The body of the AWS chunked-upload example, written out literally from the documentation. */
function awsExampleBody(sig1 = SIG1, sig2 = SIG2, sig3 = SIG3): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sig1}\r\n`),
    Buffer.alloc(65536, 'a'),
    Buffer.from(`\r\n400;chunk-signature=${sig2}\r\n`),
    Buffer.alloc(1024, 'a'),
    Buffer.from(`\r\n0;chunk-signature=${sig3}\r\n\r\n`),
  ]);
}

describe('signed aws-chunked decoding', () => {
  it('decodes the AWS example body (Content-Length 66824) with its published chunk signatures', async () => {
    const body = awsExampleBody();
    expect(body.length).toBe(66824);
    const r = await runDecoder(OPTS, body);
    expect(r.error).toBeUndefined();
    expect(r.data.equals(PAYLOAD)).toBe(true);
    expect(r.trailers).toEqual({});
  });

  it('the test encoder reproduces the published chunk signatures', () => {
    const { body, chunkSignatures } = encodeAwsChunked({ ...OPTS, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', data: PAYLOAD, chunkSizes: [65536, 1024] });
    expect(chunkSignatures).toEqual([SIG1, SIG2, SIG3]);
    expect(body.equals(awsExampleBody())).toBe(true);
  });

  it('decodes with 1-byte writes and with awkward write sizes', async () => {
    for (const size of [1, 2, 3, 7, 85, 86, 87, 4096, 65621]) {
      const r = await runDecoder(OPTS, awsExampleBody(), size);
      expect(r.error).toBeUndefined();
      expect(r.data.equals(PAYLOAD)).toBe(true);
    }
  });

  it('accepts upper-case hex and zero-padded sizes, and a body without the final CRLF', async () => {
    const data = randomBytes(0xabc);
    const { body } = encodeAwsChunked({ ...OPTS, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', data });
    const text = body.toString('latin1').replace('abc;', '0ABC;');
    const r = await runDecoder({ ...OPTS, decodedContentLength: data.length }, Buffer.from(text.slice(0, -2), 'latin1'));
    expect(r.error).toBeUndefined();
    expect(r.data.equals(data)).toBe(true);
  });

  it('rejects a tampered chunk signature before emitting that chunk', async () => {
    const bad = SIG2.slice(0, -1) + (SIG2.endsWith('0') ? '1' : '0');
    for (const writeSize of [1, 1000, 1 << 20]) {
      const r = await runDecoder(OPTS, awsExampleBody(SIG1, bad), writeSize);
      expect(r.error).toMatchObject({ code: 'SignatureDoesNotMatch' });
      expect(r.pushed.length).toBe(65536);
    }
  });

  it('rejects a tampered byte of chunk data and emits nothing of that chunk', async () => {
    const body = awsExampleBody();
    body[200] = 'b'.charCodeAt(0);
    const r = await runDecoder(OPTS, body, 1);
    expect(r.error).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(r.pushed.length).toBe(0);
  });

  it('rejects a bad final-chunk signature and a wrong seed', async () => {
    expect((await runDecoder(OPTS, awsExampleBody(SIG1, SIG2, SIG1))).error).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const wrongSeed = { ...OPTS, seedSignature: SIG3 };
    expect((await runDecoder(wrongSeed, awsExampleBody())).error).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('rejects reordered chunks even when each carries a valid signature of its own', async () => {
    const data = randomBytes(3 * 8192);
    const enc = encodeAwsChunked({ ...OPTS, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', data, chunkSizes: [8192, 8192, 8192] });
    const text = enc.body.toString('latin1');
    const chunkLen = `2000;chunk-signature=${SIG1}\r\n`.length + 8192 + 2;
    const swapped = text.slice(chunkLen, 2 * chunkLen) + text.slice(0, chunkLen) + text.slice(2 * chunkLen);
    const r = await runDecoder({ ...OPTS, decodedContentLength: data.length }, Buffer.from(swapped, 'latin1'));
    expect(r.error).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('round-trips random data with random chunk sizes and random write sizes', async () => {
    for (let i = 0; i < 20; i++) {
      const data = randomBytes(Math.floor(Math.random() * 200_000));
      const sizes: number[] = [];
      for (let left = data.length; left > 0; ) {
        const n = Math.min(left, 1 + Math.floor(Math.random() * 70_000));
        sizes.push(n);
        left -= n;
      }
      const { body } = encodeAwsChunked({ ...OPTS, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', data, chunkSizes: sizes });
      const r = await runDecoder({ ...OPTS, decodedContentLength: data.length }, body, 1 + Math.floor(Math.random() * 5000));
      expect(r.error).toBeUndefined();
      expect(r.data.equals(data)).toBe(true);
    }
  });
});

describe('aws-chunked framing and length errors', () => {
  const body = awsExampleBody();

  it.each([
    ['truncated inside chunk data', body.subarray(0, 40_000)],
    ['truncated inside a chunk header', body.subarray(0, 30)],
    ['missing the final 0-size chunk', body.subarray(0, 65626 + 1112)],
    ['truncated inside the final chunk header', body.subarray(0, body.length - 20)],
    ['empty body', Buffer.alloc(0)],
  ])('%s -> IncompleteBody', async (_name, truncated) => {
    const r = await runDecoder({ ...OPTS, decodedContentLength: undefined }, truncated);
    expect(r.error).toMatchObject({ code: 'IncompleteBody' });
  });

  it('decoded length must equal x-amz-decoded-content-length', async () => {
    expect((await runDecoder({ ...OPTS, decodedContentLength: 66561 }, body)).error).toMatchObject({ code: 'IncompleteBody' });
    const short = await runDecoder({ ...OPTS, decodedContentLength: 66559 }, body);
    expect(short.error).toMatchObject({ code: 'IncompleteBody' });
    // The overrun is caught at the chunk header, before the oversized chunk is emitted.
    expect(short.pushed.length).toBe(65536);
  });

  const text = body.toString('latin1');
  it.each([
    ['non-hex size', text.replace('10000;', '1000g;')],
    ['missing chunk signature', text.replace(`10000;chunk-signature=${SIG1}`, '10000')],
    ['short chunk signature', text.replace(SIG1, SIG1.slice(1))],
    ['LF-only chunk header', text.replace(`${SIG1}\r\n`, `${SIG1}\n`)],
    ['data not followed by CRLF', text.replace(`aaaa\r\n400;`, `aaaaXX400;`)],
    ['garbage after the last chunk', text + 'GARBAGE'],
    ['trailer in a non-trailer mode', text.slice(0, -2) + 'x-amz-checksum-crc32:AAAAAA==\r\n\r\n'],
  ])('%s -> InvalidRequest', async (_name, mangled) => {
    const r = await runDecoder(OPTS, Buffer.from(mangled, 'latin1'));
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
  });

  it('refuses signed chunks larger than maxChunkSize instead of buffering them', async () => {
    const r = await runDecoder({ ...OPTS, maxChunkSize: 65535 }, body);
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
    expect(r.pushed.length).toBe(0);
  });

  it('rejects a line that never ends without buffering it', async () => {
    const r = await runDecoder(OPTS, Buffer.alloc(10_000, '1'));
    expect(r.error).toMatchObject({ code: 'InvalidRequest' });
  });

  it('refuses modes and options that cannot describe an aws-chunked body', () => {
    expect(() => createChunkedDecoder({ mode: 'signed' })).toThrow(TypeError);
    expect(() => createChunkedDecoder({ mode: 'UNSIGNED-PAYLOAD' })).toThrow(TypeError);
    expect(() => createChunkedDecoder({ mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', seedSignature: SEED })).toThrow(TypeError);
    expect(() => createChunkedDecoder({ ...OPTS, decodedContentLength: Number.NaN })).toThrow(TypeError);
    expect(() => createChunkedDecoder({ ...OPTS, decodedContentLength: -1 })).toThrow(TypeError);
  });
});
