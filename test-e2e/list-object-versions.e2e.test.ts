import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';

describe('versioning: ListObjectVersions, versioned GET/HEAD/DELETE, delete markers', () => {
  const client = s3();
  const bucket = uniqueBucket('versions');
  const text = async (input: ConstructorParameters<typeof GetObjectCommand>[0]) => (await client.send(new GetObjectCommand(input))).Body!.transformToString();

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('lists an unversioned object as version null, readable with versionId=null', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'v0' }));
    const out = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'plain' }));
    expect(out.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['plain', 'null', true]]);
    expect(await text({ Bucket: bucket, Key: 'plain', VersionId: 'null' })).toBe('v0');
  });

  it('keeps every version once enabled, with delete markers hiding the key', async () => {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'one' }));
    const v2 = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'two' }));
    expect(v1.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await text({ Bucket: bucket, Key: 'doc' })).toBe('two');
    expect(await text({ Bucket: bucket, Key: 'doc', VersionId: v1.VersionId })).toBe('one');

    const del = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc' }));
    expect(del.DeleteMarker).toBe(true);
    const marker = del.VersionId!;
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $response: { headers: expect.objectContaining({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker }) },
    });
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: marker }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 405 } });

    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doc' }));
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId]);
    expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[marker, true]]);

    // Removing the marker by id brings the newest version back.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: marker }));
    expect(await text({ Bucket: bucket, Key: 'doc' })).toBe('two');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v2.VersionId }));
    expect(await text({ Bucket: bucket, Key: 'doc' })).toBe('one');
  });

  it('pages with key-marker and version-id-marker without repeating a version', async () => {
    for (let i = 0; i < 3; i++) await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'page/a', Body: `a${i}` }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'page/b', Body: 'b' }));
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let n = 0; n < 10; n++) {
      const out = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'page/', MaxKeys: 2, KeyMarker, VersionIdMarker }));
      seen.push(...(out.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`));
      if (!out.IsTruncated) break;
      KeyMarker = out.NextKeyMarker;
      VersionIdMarker = out.NextVersionIdMarker;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    const folded = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }));
    expect(folded.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['page/']);
  });

  it('refuses an invalid version id', async () => {
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: 'bogus' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
