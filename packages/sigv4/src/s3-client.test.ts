// End to end over real HTTP: the AWS SDK's S3 client (and its presigner) talk to a node server
// that authenticates with this library exactly as the gateway does, raw req.url and req.headers.
import * as http from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import {
  checkRequestTime,
  createChunkedDecoder,
  deriveSigningKey,
  parseAuth,
  verifyRequest,
  type ChunkedDecoder,
  type HttpRequestLike,
  type ParsedAuth,
} from './index';
import { e2eRequire } from './test-support/smithy';

const s3 = e2eRequire('@aws-sdk/client-s3');
const { getSignedUrl } = e2eRequire('@aws-sdk/s3-request-presigner');

const ACCESS_KEY = 'AKEXCLOUDTEST0001';
const SECRET = 'sEcReT/with+odd=chars';

interface Seen {
  method: string;
  url: string;
  auth: ParsedAuth | null;
  body: Buffer;
  trailers: Record<string, string>;
  error?: string;
}

let server: http.Server;
let endpoint: string;
const seen: Seen[] = [];

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const like: HttpRequestLike = {
    method: req.method ?? 'GET',
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
  };
  const record: Seen = { method: like.method, url, auth: null, body: Buffer.alloc(0), trailers: {} };
  seen.push(record);
  const fail = (code: string, message: string) => {
    record.error = `${code}: ${message}`;
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  };
  let body: Readable = req;
  let decoder: ChunkedDecoder | undefined;
  try {
    const auth = parseAuth(like);
    if (!auth) return fail('AccessDenied', 'anonymous');
    record.auth = auth;
    checkRequestTime(auth, new Date());
    const key = deriveSigningKey(SECRET, auth.date, auth.region, auth.service);
    verifyRequest(like, auth, key);
    if (auth.payloadMode.startsWith('STREAMING-')) {
      decoder = createChunkedDecoder({
        mode: auth.payloadMode,
        signingKey: key,
        seedSignature: auth.signature,
        amzDate: auth.amzDate,
        scope: `${auth.date}/${auth.region}/${auth.service}/aws4_request`,
        decodedContentLength: Number(req.headers['x-amz-decoded-content-length']),
        expectedTrailer: req.headers['x-amz-trailer'] as string | undefined,
      });
      body = req.pipe(decoder);
    }
  } catch (err) {
    const e = err as { code?: string; message: string };
    return fail(e.code ?? 'InternalError', e.message);
  }
  const parts: Buffer[] = [];
  body.on('data', (b: Buffer) => parts.push(b));
  body.on('error', (err: Error & { code?: string }) => fail(err.code ?? 'InternalError', err.message));
  body.on('end', () => {
    record.body = Buffer.concat(parts);
    record.trailers = decoder?.trailers ?? {};
    respond(like, res);
  });
}

/** Just enough of S3's responses for the SDK to parse. */
function respond(req: HttpRequestLike, res: http.ServerResponse): void {
  const xml = (s: string) => {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>${s}`);
  };
  if (req.method === 'GET' && req.rawQuery.includes('list-type=2')) {
    return xml('<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>');
  }
  if (req.method === 'POST' && /(^|&)uploads(=|&|$)/.test(req.rawQuery)) {
    return xml('<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up1</UploadId></InitiateMultipartUploadResult>');
  }
  if (req.method === 'POST' && /(^|&)delete(=|&|$)/.test(req.rawQuery)) return xml('<DeleteResult></DeleteResult>');
  if (req.method === 'PUT' && req.headers['x-amz-copy-source']) {
    return xml('<CopyObjectResult><ETag>"e"</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></CopyObjectResult>');
  }
  if (req.method === 'DELETE') {
    res.writeHead(204);
    return void res.end();
  }
  res.writeHead(200, { etag: '"e"', 'content-length': req.method === 'GET' ? '5' : '0' });
  res.end(req.method === 'GET' ? 'hello' : undefined);
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(region = 'us-east-1'): any {
  return new s3.S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
}

const KEYS = [
  'plain.txt',
  'dir/sub dir/with space.txt',
  "odd !$&'()*+,;=:@~ key",
  'unicode/Grüße/😀/中文.bin',
  'percent%20literal%2F',
  'double//slash/./dot/../x',
  'tilde~and^caret`[brackets]{braces}|pipe',
];

describe('AWS SDK S3 client against a server verifying with @excloud/sigv4', () => {
  beforeEach(() => {
    seen.length = 0;
  });

  it.each(KEYS)('PutObject (string body) / GetObject with Range / HeadObject / DeleteObject: %s', async (Key) => {
    const c = client();
    await c.send(new s3.PutObjectCommand({ Bucket: 'bucket-1', Key, Body: 'hello world', Metadata: { note: '  spaced   value ', accent: 'café' } }));
    const got = await c.send(new s3.GetObjectCommand({ Bucket: 'bucket-1', Key, Range: 'bytes=0-4', ResponseContentDisposition: 'attachment; filename="a b/c=d.txt"' }));
    expect(await got.Body.transformToString()).toBe('hello');
    await c.send(new s3.HeadObjectCommand({ Bucket: 'bucket-1', Key, VersionId: 'v+1/2=' }));
    await c.send(new s3.DeleteObjectCommand({ Bucket: 'bucket-1', Key }));
    expect(seen.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(seen[0].auth?.payloadMode).toBe('signed');
  });

  it('ListObjectsV2 with awkward prefix, delimiter and continuation token; another region', async () => {
    await client('excloud-fra-1').send(
      new s3.ListObjectsV2Command({ Bucket: 'b', Prefix: 'a b/ñ+~*', Delimiter: '/', ContinuationToken: 'tok/==+', StartAfter: "x'y" }),
    );
    expect(seen[0].error).toBeUndefined();
    expect(seen[0].auth?.region).toBe('excloud-fra-1');
  });

  it('CreateMultipartUpload (?uploads), CopyObject (x-amz-copy-source) and DeleteObjects (?delete)', async () => {
    const c = client();
    await c.send(new s3.CreateMultipartUploadCommand({ Bucket: 'b', Key: KEYS[2] }));
    await c.send(new s3.CopyObjectCommand({ Bucket: 'b', Key: 'dst', CopySource: `b/${encodeURIComponent(KEYS[3])}` }));
    await c.send(new s3.DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: KEYS.map((Key) => ({ Key })) } }));
    expect(seen.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
  });

  it('PutObject with a stream body: aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer', async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    const Body = Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]);
    await client().send(new s3.PutObjectCommand({ Bucket: 'b', Key: KEYS[3], Body, ContentLength: data.length }));
    expect(seen[0].error).toBeUndefined();
    expect(seen[0].auth?.payloadMode).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(seen[0].body.equals(data)).toBe(true);
    expect(Object.keys(seen[0].trailers)).toEqual(['x-amz-checksum-crc32']);
  });

  it('PutObject with a stream body and SHA256 checksum: the trailer is verified against the data', async () => {
    const data = Buffer.from('checksummed '.repeat(10_000));
    await client().send(
      new s3.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: 'SHA256' }),
    );
    expect(seen[0].error).toBeUndefined();
    expect(seen[0].body.equals(data)).toBe(true);
    expect(Object.keys(seen[0].trailers)).toEqual(['x-amz-checksum-sha256']);
  });

  it('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const bad = new s3.S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET + 'x' },
      maxAttempts: 1,
    });
    await expect(bad.send(new s3.GetObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it.each(KEYS)('presigned GET and PUT URLs from getSignedUrl verify: %s', async (Key) => {
    const c = client();
    const getUrl: string = await getSignedUrl(c, new s3.GetObjectCommand({ Bucket: 'b', Key, ResponseContentType: 'text/plain; x=y' }), { expiresIn: 600 });
    const putUrl: string = await getSignedUrl(c, new s3.PutObjectCommand({ Bucket: 'b', Key }), { expiresIn: 60 });
    expect(await fetchStatus('GET', getUrl)).toBe(200);
    expect(await fetchStatus('PUT', putUrl, 'uploaded via presigned URL')).toBe(200);
    expect(seen.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(seen[0].auth).toMatchObject({ kind: 'presigned', expiresSeconds: 600, payloadMode: 'UNSIGNED-PAYLOAD' });
    expect(seen[1].body.toString()).toBe('uploaded via presigned URL');
    // The same URL with an extra header the signature does not cover is refused.
    expect(await fetchStatus('PUT', putUrl, 'x', { 'x-amz-tagging': 'a=b' })).toBe(403);
  });
});

/** Sends to the URL verbatim: WHATWG URL parsing would resolve the key's '.' and '..' segments. */
function fetchStatus(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<number> {
  const m = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url);
  if (!m) throw new Error(`unexpected presigned URL ${url}`);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: m[1], port: Number(m[2]), path: m[3], method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
