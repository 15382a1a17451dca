import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest } from './support/raw';

describe('ListObjectsV2', () => {
  const client = s3();
  const bucket = uniqueBucket('list');
  const keys = ['a.txt', 'b/1', 'b/2', 'b/c/3', 'c/1', 'd', 'e/f/g', 'é', 'ü/x'];

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  });

  it('lists every key in byte order with size, ETag and last-modified', async () => {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(r.Contents?.map((c) => c.Key)).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    expect(r.KeyCount).toBe(keys.length);
    expect(r.IsTruncated).toBe(false);
    expect(r.Contents?.[0]).toMatchObject({ Key: 'a.txt', Size: 5, StorageClass: 'STANDARD' });
    expect(r.Contents?.[0]?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('groups by delimiter and filters by prefix', async () => {
    const top = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'd', 'é']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'c/', 'e/', 'ü/']);
    expect(top.KeyCount).toBe(7);

    const inB = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'b/', Delimiter: '/' }));
    expect(inB.Contents?.map((c) => c.Key)).toEqual(['b/1', 'b/2']);
    expect(inB.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/c/']);
    expect(inB.Prefix).toBe('b/');
  });

  it('pages with max-keys and continuation tokens without repeating a key or prefix', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      pages += 1;
      expect(r.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(r.Contents ?? []).map((c) => c.Key!), ...(r.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = r.NextContinuationToken;
      expect(Boolean(token)).toBe(Boolean(r.IsTruncated));
    } while (token);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(['a.txt', 'b/', 'c/', 'd', 'e/', 'é', 'ü/'].sort());
  });

  it('honours start-after and max-keys=0', async () => {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'c/1' }));
    expect(r.Contents?.map((c) => c.Key)).toEqual(['d', 'e/f/g', 'é', 'ü/x']);
    expect(r.StartAfter).toBe('c/1');
    const zero = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    expect(zero.KeyCount).toBe(0);
    expect(zero.Contents).toBeUndefined();
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    await expect(client.send(new ListObjectsV2Command({ Bucket: uniqueBucket('nope') }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('ListObjectsV2 encoding and owner', () => {
  const client = s3();
  const bucket = uniqueBucket('list-enc');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of ['a b/c+d', 'a b/e', 'x%y']) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
  });

  it('url-encodes keys and prefixes with encoding-type=url exactly as AWS does (space as +, + as %2B)', async () => {
    const folded = await signedRequest({ method: 'GET', path: `/${bucket}?list-type=2&encoding-type=url&delimiter=%2F` });
    expect(folded.body).toContain('<EncodingType>url</EncodingType>');
    expect(folded.body).toContain('<CommonPrefixes><Prefix>a+b/</Prefix></CommonPrefixes>');
    expect(folded.body).toContain('<Key>x%25y</Key>');
    const all = await signedRequest({ method: 'GET', path: `/${bucket}?list-type=2&encoding-type=url&prefix=a%20b%2F` });
    expect(all.body).toContain('<Prefix>a+b/</Prefix>');
    expect(all.body).toContain('<Key>a+b/c%2Bd</Key>');
    // Without it the keys come back verbatim.
    const plain = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(plain.Contents?.map((c) => c.Key)).toEqual(['a b/c+d', 'a b/e', 'x%y']);
  });

  it('includes the owner only with fetch-owner', async () => {
    expect((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.[0]?.Owner).toBeUndefined();
    expect((await client.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }))).Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ListObjectsV2 with an empty continuation-token', () => {
  const client = s3();
  const bucket = uniqueBucket('list-empty-token');

  it('reads `continuation-token=` as no token: the first page', async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: '' }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(['k']);
    const raw = await signedRequest({ method: 'GET', path: `/${bucket}?list-type=2&continuation-token=` });
    expect(raw.status).toBe(200);
    expect(raw.body).toContain('<Key>k</Key>');
  });
});
