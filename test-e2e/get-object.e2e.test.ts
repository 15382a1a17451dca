import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest } from './support/raw';

describe('GetObject / HeadObject: conditions, overrides, edge ranges', () => {
  const client = s3();
  const bucket = uniqueBucket('getobj');
  let etag = '';
  let lastModified = new Date();

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    etag = (await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'hello world', ContentType: 'text/plain' }))).ETag!;
    lastModified = (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }))).LastModified!;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
  });

  const status = (p: Promise<unknown>) => p.then(() => 200, (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode);
  const later = () => new Date(lastModified.getTime() + 3600_000);
  const earlier = () => new Date(lastModified.getTime() - 3600_000);

  it('If-Match / If-None-Match / If-(Un)Modified-Since with RFC 7232 precedence', async () => {
    const get = (extra: object) => status(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', ...extra })));
    expect(await get({ IfMatch: etag })).toBe(200);
    expect(await get({ IfMatch: '"0000"' })).toBe(412);
    expect(await get({ IfNoneMatch: etag })).toBe(304);
    expect(await get({ IfNoneMatch: '"0000"' })).toBe(200);
    expect(await get({ IfModifiedSince: later() })).toBe(304);
    expect(await get({ IfModifiedSince: earlier() })).toBe(200);
    expect(await get({ IfUnmodifiedSince: earlier() })).toBe(412);
    // If-Match holding wins over a failing If-Unmodified-Since; If-None-Match decides over If-Modified-Since.
    expect(await get({ IfMatch: etag, IfUnmodifiedSince: earlier() })).toBe(200);
    expect(await get({ IfNoneMatch: '"0000"', IfModifiedSince: later() })).toBe(200);
    expect(await status(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k', IfNoneMatch: etag })))).toBe(304);
  });

  it('applies response-* overrides, signed and presigned', async () => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', ResponseContentType: 'application/json', ResponseContentDisposition: 'attachment; filename="x.json"', ResponseCacheControl: 'no-store' }));
    expect(out).toMatchObject({ ContentType: 'application/json', ContentDisposition: 'attachment; filename="x.json"', CacheControl: 'no-store' });
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'k', ResponseContentType: 'text/csv' }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('text/csv');
  });

  it('answers 416 for any range on an empty object and ignores an unparsable Range', async () => {
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty', Range: 'bytes=0-0' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 416 } });
    const res = await signedRequest({ method: 'GET', path: `/${bucket}/k`, headers: { range: 'bytes=oops' } });
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world');
    const unsat = await signedRequest({ method: 'GET', path: `/${bucket}/k`, headers: { range: 'bytes=100-' } });
    expect(unsat.status).toBe(416);
    expect(unsat.headers['content-range']).toBe('bytes */11');
  });

  it('answers a HEAD error with a status and no body', async () => {
    const res = await signedRequest({ method: 'HEAD', path: `/${bucket}/missing` });
    expect(res.status).toBe(404);
    expect(res.body).toBe('');
  });

  // The gateway reads a small object's blob while metadata answers when it served that object
  // before (read-ahead.ts): whatever it remembers, every GET must answer what metadata says now.
  it('answers an object read before with its current bytes after it is replaced, deleted or versioned', async () => {
    const read = async (extra: object = {}) => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hot', ...extra }))).Body!.transformToString();
    const put = async (body: string) => (await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'hot', Body: body }))).VersionId;
    await put('first');
    expect([await read(), await read(), await read()]).toEqual(['first', 'first', 'first']);
    await put('second');
    expect(await read()).toBe('second');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'hot' }));
    await expect(read()).rejects.toMatchObject({ name: 'NoSuchKey' });
    await put('third');
    expect([await read(), await read()]).toEqual(['third', 'third']);
    // Bodies too big to gather (streamed through), and past the read-ahead limit (never guessed).
    for (const size of [200_000, 2 * 1024 * 1024]) {
      await put('y'.repeat(size - 1) + 'z');
      expect([await read(), await read()]).toEqual(['y'.repeat(size - 1) + 'z', 'y'.repeat(size - 1) + 'z']);
    }

    const versioned = uniqueBucket('getobj-v');
    await client.send(new CreateBucketCommand({ Bucket: versioned }));
    await client.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = (await client.send(new PutObjectCommand({ Bucket: versioned, Key: 'hot', Body: 'v1' }))).VersionId;
    const readV = async (extra: object = {}) => (await client.send(new GetObjectCommand({ Bucket: versioned, Key: 'hot', ...extra }))).Body!.transformToString();
    expect([await readV(), await readV({ VersionId: v1 })]).toEqual(['v1', 'v1']);
    await client.send(new PutObjectCommand({ Bucket: versioned, Key: 'hot', Body: 'v2' }));
    expect([await readV(), await readV({ VersionId: v1 }), await readV(), await readV({ VersionId: v1 })]).toEqual(['v2', 'v1', 'v2', 'v1']);
  });
});
