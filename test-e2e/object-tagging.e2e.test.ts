import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketAclCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { aws, describeWithCli } from './support/cli';
import { s3, uniqueBucket } from './support/clients';
import { anonymous } from './support/raw';

describe('object tagging (AWS SDK v3)', () => {
  const client = s3();
  const bucket = uniqueBucket('tagging');
  const tagsOf = async (Key: string, VersionId?: string) => (await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key, VersionId }))).TagSet;

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('puts, reads and deletes a tag set, and counts it on GET and HEAD', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'x' }));
    expect(await tagsOf('doc')).toEqual([]);
    await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'doc', Tagging: { TagSet: [{ Key: 'project', Value: 'blue' }, { Key: 'tier', Value: 'cold storage' }] } }));
    expect(await tagsOf('doc')).toEqual([{ Key: 'project', Value: 'blue' }, { Key: 'tier', Value: 'cold storage' }]);
    expect((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc' }))).$metadata.httpStatusCode).toBe(200);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }));
    expect(got.TagCount).toBe(2);
    await got.Body!.transformToString();
    const del = await client.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'doc' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf('doc')).toEqual([]);
    const after = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc' }));
    expect(after.$metadata.httpStatusCode).toBe(200);
  });

  it('takes x-amz-tagging on PUT and CreateMultipartUpload', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', Tagging: 'a=1&b=two%20words' }));
    expect(await tagsOf('put')).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', Tagging: 'k=v' }));
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: 'p' }));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(await tagsOf('mpu')).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('copies tags by default and replaces them with x-amz-tagging-directive: REPLACE', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'x', Tagging: 'from=source' }));
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/src`, Tagging: 'ignored=yes' }));
    expect(await tagsOf('copied')).toEqual([{ Key: 'from', Value: 'source' }]);
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'replaced', CopySource: `${bucket}/src`, TaggingDirective: 'REPLACE', Tagging: 'new=tag' }));
    expect(await tagsOf('replaced')).toEqual([{ Key: 'new', Value: 'tag' }]);
    await expect(
      client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'bad', CopySource: `${bucket}/src`, TaggingDirective: 'MOVE' as 'COPY' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('enforces S3 limits with InvalidTag', async () => {
    const set = (n: number, key = (i: number) => `k${i}`, value = 'v') => ({ TagSet: Array.from({ length: n }, (_, i) => ({ Key: key(i), Value: value })) });
    const put = (Tagging: { TagSet: Array<{ Key: string; Value: string }> }) => client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'doc', Tagging }));
    await put(set(10));
    await expect(put(set(11))).rejects.toMatchObject({ name: 'InvalidTag', $metadata: { httpStatusCode: 400 } });
    await expect(put(set(1, () => 'k'.repeat(129)))).rejects.toMatchObject({ name: 'InvalidTag' });
    await put(set(1, () => 'k'.repeat(128), 'v'.repeat(256)));
    await expect(put(set(1, () => 'k', 'v'.repeat(257)))).rejects.toMatchObject({ name: 'InvalidTag' });
    await expect(put({ TagSet: [{ Key: 'same', Value: '1' }, { Key: 'same', Value: '2' }] })).rejects.toMatchObject({ name: 'InvalidTag' });
    await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'many', Body: 'x', Tagging: Array.from({ length: 11 }, (_, i) => `t${i}=v`).join('&') }))).rejects.toMatchObject({
      name: 'InvalidTag',
    });
    await expect(client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('tags each version separately in a versioned bucket', async () => {
    const versioned = uniqueBucket('tagging-v');
    await client.send(new CreateBucketCommand({ Bucket: versioned }));
    await client.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await client.send(new PutObjectCommand({ Bucket: versioned, Key: 'k', Body: '1', Tagging: 'v=1' }));
    await client.send(new PutObjectCommand({ Bucket: versioned, Key: 'k', Body: '2', Tagging: 'v=2' }));
    const put = await client.send(new PutObjectTaggingCommand({ Bucket: versioned, Key: 'k', VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: 'v', Value: 'one' }] } }));
    expect(put.VersionId).toBe(v1.VersionId);
    const first = await client.send(new GetObjectTaggingCommand({ Bucket: versioned, Key: 'k', VersionId: v1.VersionId }));
    expect(first).toMatchObject({ VersionId: v1.VersionId, TagSet: [{ Key: 'v', Value: 'one' }] });
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: versioned, Key: 'k' }))).TagSet).toEqual([{ Key: 'v', Value: '2' }]);
  });

  it('keeps tags from anonymous readers and other tenants', async () => {
    const open = uniqueBucket('tagging-public');
    await client.send(new CreateBucketCommand({ Bucket: open }));
    await client.send(new PutObjectCommand({ Bucket: open, Key: 'pub', Body: 'x', Tagging: 'secret=1' }));
    await client.send(new PutBucketAclCommand({ Bucket: open, ACL: 'public-read' }));
    const get = await anonymous('GET', `/${open}/pub`);
    expect(get.status).toBe(200);
    expect(get.headers['x-amz-tagging-count']).toBeUndefined();
    expect((await anonymous('GET', `/${open}/pub?tagging`)).status).toBe(403);
    await expect(s3({ who: 'other' }).send(new GetObjectTaggingCommand({ Bucket: open, Key: 'pub' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describeWithCli('aws', () => {
  const bucket = uniqueBucket('tagging-cli');
  const client = s3();
  const json = async (args: string[]) => JSON.parse((await aws(args)).stdout || '{}');

  // Each cli start costs seconds on a busy machine: three calls, the rest through the SDK.
  it('s3api put-object-tagging / get-object-tagging / delete-object-tagging', async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'f', Body: 'x', Tagging: 'env=dev' }));
    await aws(['s3api', 'put-object-tagging', '--bucket', bucket, '--key', 'f', '--tagging', 'TagSet=[{Key=team,Value=storage},{Key=cost,Value=42}]']);
    expect((await json(['s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'f'])).TagSet).toEqual([
      { Key: 'team', Value: 'storage' },
      { Key: 'cost', Value: '42' },
    ]);
    await aws(['s3api', 'delete-object-tagging', '--bucket', bucket, '--key', 'f']);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'f' }))).TagSet).toEqual([]);
  }, 180_000);
});
