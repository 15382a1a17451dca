import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutBucketAclCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { openRawSocket } from '@excloud/test-kit';
import { s3, uniqueBucket } from './support/clients';
import { anonymous, signHeaders, signedRequest, type RawResponse } from './support/raw';
import { stack } from './support/stack';

/** The low findings of the attacker's review (issue 8): each gets a 4xx as S3 answers, never a 500. */
const client = s3();
const other = s3({ who: 'other' });
const bucket = uniqueBucket('hardening');
const publicBucket = uniqueBucket('hardening-pub');
const privateOfOther = uniqueBucket('hardening-priv');

const code = (res: RawResponse) => /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1];

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'body', ContentType: 'text/plain' }));
  await client.send(new CreateBucketCommand({ Bucket: publicBucket }));
  await client.send(new PutBucketAclCommand({ Bucket: publicBucket, ACL: 'public-read' }));
  await other.send(new CreateBucketCommand({ Bucket: privateOfOther }));
  await other.send(new PutObjectCommand({ Bucket: privateOfOther, Key: 'k', Body: 'secret' }));
});

describe('NUL in listing parameters', () => {
  it.each([
    ['prefix', '?prefix=a%00b'],
    ['start-after', '?list-type=2&start-after=a%00'],
    ['marker', '?marker=%00'],
    ['key-marker', '?uploads&key-marker=a%00'],
    ['upload-id-marker', '?uploads&key-marker=a&upload-id-marker=%00x'],
    ['key-marker', '?versions&key-marker=%00'],
  ])('%s -> 400 InvalidArgument', async (_name, query) => {
    const res = await signedRequest({ method: 'GET', path: `/${bucket}${query}` });
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidArgument' });
  });

  it('anonymously too, on a public bucket', async () => {
    const res = await anonymous('GET', `/${publicBucket}?prefix=%00`);
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidArgument' });
  });

  it('in a continuation token', async () => {
    const token = Buffer.from('v1:a\0b').toString('base64url');
    const res = await signedRequest({ method: 'GET', path: `/${bucket}?list-type=2&continuation-token=${token}` });
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidArgument' });
  });
});

describe('response-* overrides', () => {
  it.each([
    ['CR/LF', 'text%2Fplain%0D%0AX-Injected%3A%201'],
    ['NUL', 'a%00b'],
    ['beyond Latin-1', '%E2%82%AC'],
  ])('with %s -> 400 InvalidArgument', async (_what, value) => {
    const res = await signedRequest({ method: 'GET', path: `/${bucket}/k?response-content-type=${value}` });
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidArgument' });
    expect(res.headers['x-injected']).toBeUndefined();
  });

  it('a Latin-1 value is applied', async () => {
    const res = await signedRequest({ method: 'GET', path: `/${bucket}/k?response-content-disposition=attachment%3B%20filename%3D%22caf%C3%A9%22` });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.headers['content-disposition']!, 'latin1').toString('latin1')).toBe('attachment; filename="café"');
  });

  it('are refused on anonymous requests, as S3 does', async () => {
    await client.send(new PutObjectCommand({ Bucket: publicBucket, Key: 'p', Body: 'public', ACL: 'public-read' }));
    const res = await anonymous('GET', `/${publicBucket}/p?response-content-type=text%2Fhtml`);
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidRequest' });
  });
});

describe("anonymous requests cannot tell another org's private bucket from a missing one", () => {
  const comparable = (res: RawResponse) => ({
    status: res.status,
    headers: Object.keys(res.headers).filter((h) => !['date', 'x-amz-request-id', 'x-amz-id-2'].includes(h)).sort(),
    length: res.headers['content-length'],
    body: res.body.replace(/<(RequestId|HostId)>[^<]*<\/\1>/g, ''),
  });

  it.each([
    ['GET', '/B/k'],
    ['HEAD', '/B/k'],
    ['GET', '/B/missing-key'],
    ['GET', '/B'],
    ['GET', '/B?list-type=2'],
    ['HEAD', '/B'],
  ])('%s %s answers the same for both', async (method, path) => {
    const orgId = stack().other.orgId;
    const existing = await anonymous(method, path.replace('/B', `/${privateOfOther}`), orgId);
    // A missing name of the same length, so even Content-Length has nothing to tell.
    const gone = `${privateOfOther.slice(0, -1)}z`;
    const missing = await anonymous(method, path.replace('/B', `/${gone}`), orgId);
    expect(existing.status).toBe(403);
    expect(comparable(existing)).toEqual({ ...comparable(missing), body: comparable(missing).body.replace(gone, privateOfOther) });
  });


  it('both do the same work in metadata: the object lookup runs for the missing bucket too', async () => {
    const s = stack();
    if (!s.dataDir) return; // needs the local stack's metadata port
    const { METADATA_URL } = JSON.parse(readFileSync(path.join(s.dataDir, 'local-runtime.json'), 'utf8')) as { METADATA_URL: string };
    const lookups = async () => {
      const text = await (await fetch(`${METADATA_URL}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('excloud_http_requests_total{') && l.includes('operation="get_object"') && l.includes('status="403"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    for (const name of [privateOfOther, `${privateOfOther.slice(0, -1)}z`]) {
      const before = await lookups();
      expect((await anonymous('GET', `/${name}/k`, s.other.orgId)).status).toBe(403);
      expect(await lookups()).toBe(before + 1);
    }
  });
});

describe('two Authorization headers', () => {
  it('are refused rather than the first one silently used', async () => {
    const s = stack();
    const path = `/${bucket}/k`;
    const signed = signHeaders({ method: 'GET', path, host: `127.0.0.1:${s.port}`, accessKeyId: s.accessKeyId, secret: s.secretAccessKey, payloadHash: 'UNSIGNED-PAYLOAD' });
    const lines = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`);
    const sock = await openRawSocket(s.port);
    try {
      // The valid signature first: Node would keep it and drop the second.
      sock.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKOTHER/x, SignedHeaders=host, Signature=00\r\n\r\n`);
      const text = await sock.waitFor(/<\/Error>/, 5000);
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(text).toContain('<Code>InvalidArgument</Code>');
    } finally {
      sock.destroy();
    }
  });
});

describe('bucket names', () => {
  it.each(['a.-b', 'a-.b', 'amzn-s3-demo-x', 'x.mrap', 'x--x-s3', 'x--table-s3', 'sthree-x', 'xn--x', '10.0.0.1'])('%s -> 400 InvalidBucketName', async (name) => {
    const res = await signedRequest({ method: 'PUT', path: `/${name}` });
    expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: 'InvalidBucketName' });
  });
});
