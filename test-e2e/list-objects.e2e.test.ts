import { CreateBucketCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';

describe('ListObjects (v1)', () => {
  const client = s3();
  const bucket = uniqueBucket('listv1');
  const keys = ['a', 'b/1', 'b/2', 'c', 'd/x/y', 'e'];

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  });

  it('pages with marker and NextMarker under a delimiter, never repeating an entry', async () => {
    const seen: string[] = [];
    let Marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await client.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, Marker }));
      seen.push(...(out.Contents ?? []).map((c) => c.Key!), ...(out.CommonPrefixes ?? []).map((p) => p.Prefix!));
      if (!out.IsTruncated) break;
      expect(out.NextMarker).toBeDefined();
      Marker = out.NextMarker;
    }
    expect(seen.sort()).toEqual(['a', 'b/', 'c', 'd/', 'e']);
  });

  it('lists every key without a delimiter and shows the owner', async () => {
    const out = await client.send(new ListObjectsCommand({ Bucket: bucket }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(keys);
    expect(out.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(out.IsTruncated).toBe(false);
  });

  it('continues after a marker that is a key', async () => {
    const out = await client.send(new ListObjectsCommand({ Bucket: bucket, Marker: 'b/2' }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(['c', 'd/x/y', 'e']);
  });
});
