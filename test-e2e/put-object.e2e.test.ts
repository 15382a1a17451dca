import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import http from 'node:http';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3, uniqueBucket } from './support/clients';
import { amzNow, sha256Hex, signedRequest, signingKey } from './support/raw';
import { stack } from './support/stack';
import { createHash, createHmac } from 'node:crypto';

describe('PutObject: conditional writes, metadata limits, 100-continue', () => {
  const client = s3();
  const bucket = uniqueBucket('putobj');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('If-None-Match: * lets exactly one of many concurrent writers create the key', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: `writer-${i}`, IfNoneMatch: '*' })).then(
          () => 'ok',
          (e: { $metadata?: { httpStatusCode?: number } }) => String(e.$metadata?.httpStatusCode),
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === '412' || r === '409')).toHaveLength(7);
  });

  it('If-Match replaces only the expected version', async () => {
    const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v1' }));
    await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v2', IfMatch: '"deadbeef"' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v2', IfMatch: first.ETag }));
    expect(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cas' }))).Body!.transformToString()).toBe('v2');
  });

  it('refuses user metadata over 2 KB with MetadataTooLarge', async () => {
    await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: 'x', Metadata: { big: 'x'.repeat(2100) } }))).rejects.toMatchObject({ name: 'MetadataTooLarge' });
  });

  it('answers Expect: 100-continue only after authentication', async () => {
    const s = stack();
    const send = (secret: string) =>
      new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
        const body = 'continued body';
        const { amzDate, date } = amzNow();
        const payloadHash = sha256Hex(body);
        const path = `/${bucket}/continued`;
        const headers: Record<string, string> = { host: `127.0.0.1:${s.port}`, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate, 'content-length': String(body.length), expect: '100-continue' };
        const names = Object.keys(headers).sort();
        const canonical = ['PUT', path, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), payloadHash].join('\n');
        const scope = `${date}/auto/s3/aws4_request`;
        const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
        const sig = createHmac('sha256', signingKey(secret, date)).update(sts).digest('hex');
        headers.authorization = `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
        let continued = false;
        const req = http.request({ host: '127.0.0.1', port: s.port, method: 'PUT', path, headers });
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ continued, status: res.statusCode! }));
          if (!continued) req.destroy();
        });
        req.on('error', (err) => (continued ? reject(err) : undefined));
      });
    expect(await send('x'.repeat(40))).toEqual({ continued: false, status: 403 });
    expect(await send(s.secretAccessKey)).toEqual({ continued: true, status: 200 });
  });

  it('stores Content-Encoding without aws-chunked and every system header', async () => {
    const res = await signedRequest({
      method: 'PUT',
      path: `/${bucket}/headers`,
      body: 'x',
      headers: { 'content-encoding': 'gzip', 'content-language': 'fr', expires: 'Wed, 21 Oct 2035 07:28:00 GMT', 'cache-control': 'max-age=5' },
    });
    expect(res.status).toBe(200);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'headers' }));
    expect(got).toMatchObject({ ContentEncoding: 'gzip', ContentLanguage: 'fr', CacheControl: 'max-age=5' });
    expect(got.Expires?.toISOString()).toBe('2035-10-21T07:28:00.000Z');
  });
});

describe('PutObject with Transfer-Encoding: chunked and no Content-Length', () => {
  const client = s3();
  const bucket = uniqueBucket('put-chunked');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  /** An HTTP library streaming a body of unknown length to a presigned URL: node sends it chunked. */
  function streamTo(url: string, pieces: Buffer[]): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'PUT' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      for (const p of pieces) req.write(p);
      req.end();
    });
  }

  it('stores the whole body with its ETag', async () => {
    const pieces = [Buffer.alloc(70_000, 1), Buffer.from('middle'), Buffer.alloc(100_000, 2)];
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'streamed' }), { expiresIn: 300 });
    const res = await streamTo(url, pieces);
    expect(res.status).toBe(200);
    const whole = Buffer.concat(pieces);
    expect(res.headers.etag).toBe(`"${createHash('md5').update(whole).digest('hex')}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }));
    expect(got.ContentLength).toBe(whole.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });
});
