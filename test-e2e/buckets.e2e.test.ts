import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';

// CreateBucket, ListBuckets, HeadBucket, GetBucketLocation, DeleteBucket through the AWS SDK v3.
describe.each(['path', 'virtual'] as const)('bucket operations (%s-style)', (style) => {
  const client = s3({ style });

  it('creates, lists, heads, locates and deletes a bucket', async () => {
    const bucket = uniqueBucket(`b-${style}`);
    const created = await client.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(created.$metadata.httpStatusCode).toBe(200);

    const list = await client.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain(bucket);
    expect(list.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);

    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.BucketRegion).toBe('auto');

    const loc = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(loc.LocationConstraint).toBe('auto');

    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    await expect(client.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a second create of the same bucket with BucketAlreadyOwnedByYou', async () => {
    const bucket = uniqueBucket(`dup-${style}`);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await expect(client.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  });

  it('refuses to delete a bucket that holds objects (BucketNotEmpty) and nothing changes', async () => {
    const bucket = uniqueBucket(`full-${style}`);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
    await expect(client.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketNotEmpty',
      $metadata: { httpStatusCode: 409 },
    });
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
});

describe('bucket errors', () => {
  const client = s3();

  it.each(['Upper-Case', 'ab', 'bad_name', 'a..b', '192.168.1.1'])('rejects the bucket name %s with InvalidBucketName', async (name) => {
    await expect(client.send(new CreateBucketCommand({ Bucket: name }))).rejects.toMatchObject({
      name: 'InvalidBucketName',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    await expect(client.send(new DeleteBucketCommand({ Bucket: uniqueBucket('missing') }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(client.send(new GetBucketLocationCommand({ Bucket: uniqueBucket('missing') }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
