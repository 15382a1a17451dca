import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3, uniqueBucket } from './support/clients';
import { countStoredBlobs } from './support/blobs';
import { chunkedBody, rawRequest, sha256Hex, signHeaders } from './support/raw';
import { stack } from './support/stack';

/** Every bad input gets its exact S3 error and leaves nothing stored. */
describe('bad input', () => {
  const client = s3();
  const bucket = uniqueBucket('bad');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    // Nothing below may have left an object behind.
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(list.KeyCount).toBe(0);
  });

  /** The request fails as expected and no blob appeared on disk because of it. */
  const refused = async (attempt: Promise<unknown>, expected: object) => {
    const before = countStoredBlobs();
    await expect(attempt).rejects.toMatchObject(expected);
    if (before !== undefined) expect(countStoredBlobs()).toBe(before);
  };

  const put = (c = client, Key = 'k') => c.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'data' }));

  it('wrong secret -> 403 SignatureDoesNotMatch', async () => {
    await refused(put(s3({ secret: 'x'.repeat(40) })), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
  });

  it('unknown access key -> 403 InvalidAccessKeyId', async () => {
    await refused(put(s3({ accessKeyId: 'AKNOSUCHKEY000000000' })), { name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
  });

  it('a date 20 minutes off -> 403 RequestTimeTooSkewed', async () => {
    const skewed = s3({ extra: { systemClockOffset: -20 * 60 * 1000 } });
    await refused(put(skewed), { name: 'RequestTimeTooSkewed', $metadata: { httpStatusCode: 403 } });
  });

  it('an expired presigned URL -> 403 AccessDenied; a valid one works', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'presigned', Body: 'hello' }));
    const fresh = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'presigned' }), { expiresIn: 60 });
    const ok = await fetch(fresh);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello');
    const stale = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'presigned' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const res = await fetch(stale);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'presigned' }));
  });

  it('a presigned PUT stores the object', async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'via-presign' }), { expiresIn: 60 });
    const res = await fetch(url, { method: 'PUT', body: 'presigned body' });
    expect(res.status).toBe(200);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'via-presign' }));
    expect(await got.Body!.transformToString()).toBe('presigned body');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'via-presign' }));
  });

  it('a tampered chunk signature -> 403 SignatureDoesNotMatch', async () => {
    const s = stack();
    const data = Buffer.alloc(100_000, 'z');
    const path = `/${bucket}/chunked`;
    for (const tamper of [undefined, 1]) {
      const signed = signHeaders({
        method: 'PUT',
        path,
        host: `127.0.0.1:${s.port}`,
        accessKeyId: s.accessKeyId,
        secret: s.secretAccessKey,
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        extraHeaders: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) },
      });
      const body = chunkedBody({ data, chunkSize: 65536, key: signed.key, seed: signed.signature, amzDate: signed.amzDate, scope: signed.scope, tamper });
      const before = countStoredBlobs();
      const res = await rawRequest({ port: s.port, method: 'PUT', path, headers: { ...signed.headers, 'content-length': String(body.length) }, body });
      if (tamper === undefined) {
        // The same request untampered is accepted: the test really exercises the chunk chain.
        expect(res.status).toBe(200);
            await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'chunked' }));
      } else {
        expect(res.status).toBe(403);
        expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
        expect(countStoredBlobs()).toBe(before);
      }
    }
  });

  it('a wrong Content-MD5 -> 400 BadDigest', async () => {
    await refused(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'data', ContentMD5: Buffer.alloc(16, 1).toString('base64') })),
      { name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
  });

  it('a body that does not match the signed sha256 -> 400 XAmzContentSHA256Mismatch', async () => {
    const s = stack();
    const path = `/${bucket}/sha`;
    const signed = signHeaders({ method: 'PUT', path, host: `127.0.0.1:${s.port}`, accessKeyId: s.accessKeyId, secret: s.secretAccessKey, payloadHash: sha256Hex('expected body') });
    const before = countStoredBlobs();
    const res = await rawRequest({ port: s.port, method: 'PUT', path, headers: { ...signed.headers, 'content-length': '13' }, body: 'another body!' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(countStoredBlobs()).toBe(before);
  });

  it('a 1025-byte key -> 400 KeyTooLongError', async () => {
    await refused(put(client, 'k'.repeat(1025)), { name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
  });

  it('a key climbing above the bucket (../) -> 400 with no body, as AWS answers', async () => {
    await refused(put(client, '../escape'), { $metadata: { httpStatusCode: 400 } });
  });

  it("org A's key on org B's host -> 403, and B's data stays invisible", async () => {
    const s = stack();
    const other = s3({ who: 'other', style: 'virtual' });
    const otherBucket = uniqueBucket('tenant-b');
    await other.send(new CreateBucketCommand({ Bucket: otherBucket }));
    await other.send(new PutObjectCommand({ Bucket: otherBucket, Key: 'secret', Body: 'b' }));
    // Org A's credentials against org B's endpoint.
    const aOnB = s3({ style: 'virtual', who: 'other', accessKeyId: s.accessKeyId, secret: s.secretAccessKey });
    await expect(aOnB.send(new HeadObjectCommand({ Bucket: otherBucket, Key: 'secret' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(aOnB.send(new ListObjectsV2Command({ Bucket: otherBucket }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
    // And org A on its own endpoint does not see org B's bucket at all.
    await expect(client.send(new ListObjectsV2Command({ Bucket: otherBucket }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('an anonymous request -> 403 AccessDenied', async () => {
    const res = await fetch(`${stack().endpoint}/${bucket}/k`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });
});
