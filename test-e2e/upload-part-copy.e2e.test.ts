import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { MiB, randomData } from './support/multipart';

describe('UploadPartCopy', () => {
  const client = s3();
  const bucket = uniqueBucket('partcopy');
  const a = randomData(6 * MiB);
  const b = randomData(3 * MiB);

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: a }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: b }));
  });

  it('builds an object from ranges of two others', async () => {
    const Key = 'built';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const p1 = await client.send(new UploadPartCopyCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, CopySource: `${bucket}/a`, CopySourceRange: `bytes=${MiB}-${6 * MiB - 1}` }));
    const p2 = await client.send(new UploadPartCopyCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, CopySource: `${bucket}/b`, CopySourceRange: 'bytes=100-1099' }));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] },
      }),
    );
    const got = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToByteArray());
    expect(got.equals(Buffer.concat([a.subarray(MiB, 6 * MiB), b.subarray(100, 1100)]))).toBe(true);
  });

  it('refuses a range outside the source and a failing copy-source condition', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'bad' }));
    await expect(
      client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 1, CopySource: `${bucket}/b`, CopySourceRange: `bytes=0-${3 * MiB}` })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 416 } });
    await expect(
      client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 1, CopySource: `${bucket}/b`, CopySourceIfMatch: '"nope"' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });
});
