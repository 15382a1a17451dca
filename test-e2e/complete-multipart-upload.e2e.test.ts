import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { MiB, multipartPut, randomData } from './support/multipart';

describe('CreateMultipartUpload / UploadPart / CompleteMultipartUpload', () => {
  const client = s3();
  const bucket = uniqueBucket('mpu');
  const data = randomData(11 * MiB + 123);

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  const bytes = async (input: ConstructorParameters<typeof GetObjectCommand>[0]) => {
    const out = await client.send(new GetObjectCommand(input));
    return { out, body: Buffer.from(await out.Body!.transformToByteArray()) };
  };

  it('assembles parts into one object with the multipart ETag, byte-identical', async () => {
    const { parts } = await multipartPut(client, bucket, 'big.bin', data);
    const md5 = createHash('md5');
    for (const p of parts) md5.update(Buffer.from(p.ETag.replace(/"/g, ''), 'hex'));
    const { out, body } = await bytes({ Bucket: bucket, Key: 'big.bin' });
    expect(out.ETag).toBe(`"${md5.digest('hex')}-3"`);
    expect(out.ContentType).toBe('application/x-parts');
    expect(body.equals(data)).toBe(true);
  });

  it('reads ranges across part boundaries and single parts by partNumber', async () => {
    const start = 5 * MiB - 10;
    const { body } = await bytes({ Bucket: bucket, Key: 'big.bin', Range: `bytes=${start}-${start + 19}` });
    expect(body.equals(data.subarray(start, start + 20))).toBe(true);
    const part2 = await bytes({ Bucket: bucket, Key: 'big.bin', PartNumber: 2 });
    expect(part2.out.PartsCount).toBe(3);
    expect(part2.out.ContentRange).toBe(`bytes ${5 * MiB}-${10 * MiB - 1}/${data.length}`);
    expect(part2.body.equals(data.subarray(5 * MiB, 10 * MiB))).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin', PartNumber: 3 }));
    expect(head.ContentLength).toBe(data.length - 10 * MiB);
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin', PartNumber: 4 }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 416 } });
  });

  it('refuses a small non-final part, wrong order and unknown parts, and keeps the upload usable', async () => {
    const Key = 'strict.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const p1 = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: randomData(1024) }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: randomData(1024) }));
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } }));
    await expect(complete([{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: p2.ETag! }])).rejects.toMatchObject({ name: 'EntityTooSmall' });
    await expect(complete([{ PartNumber: 2, ETag: p2.ETag! }, { PartNumber: 1, ETag: p1.ETag! }])).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await expect(complete([{ PartNumber: 3, ETag: p2.ETag! }])).rejects.toMatchObject({ name: 'InvalidPart' });
    await complete([{ PartNumber: 2, ETag: p2.ETag! }]);
    // Once completed, only a retry of the same part list is answered (see the retry test below).
    await expect(complete([{ PartNumber: 1, ETag: p1.ETag! }])).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('answers NoSuchUpload for an unknown upload id and InvalidArgument for part number 10001', async () => {
    await expect(client.send(new UploadPartCommand({ Bucket: bucket, Key: 'x', UploadId: 'nosuchupload', PartNumber: 1, Body: 'a' }))).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'x' }));
    await expect(client.send(new UploadPartCommand({ Bucket: bucket, Key: 'x', UploadId, PartNumber: 10001, Body: 'a' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('honours If-None-Match: * on Complete', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'taken', Body: 'first' }));
    const { UploadId, parts } = await multipartPut(client, bucket, 'taken', randomData(100), 5 * MiB, false);
    await expect(
      client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'taken', UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: parts } })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    expect((await bytes({ Bucket: bucket, Key: 'taken' })).body.toString()).toBe('first');
  });
});

describe('CompleteMultipartUpload retried after a lost response', () => {
  const client = s3();
  const bucket = uniqueBucket('mpu-retry');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('answers the same parts with the same result, and any other part list with NoSuchUpload', async () => {
    const data = randomData(5 * MiB + 10);
    const { UploadId, parts } = await multipartPut(client, bucket, 'retried.bin', data, 5 * MiB, false);
    const complete = (Parts: typeof parts) => client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'retried.bin', UploadId, MultipartUpload: { Parts } }));
    const first = await complete(parts);
    const again = await complete(parts);
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect({ ETag: again.ETag, Key: again.Key, Bucket: again.Bucket, VersionId: again.VersionId }).toEqual({ ETag: first.ETag, Key: first.Key, Bucket: first.Bucket, VersionId: first.VersionId });
    await expect(complete(parts.slice(0, 1))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'retried.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });
});
