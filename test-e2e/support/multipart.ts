import { randomBytes } from 'node:crypto';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';

export const MiB = 1024 * 1024;

/** Upload `data` in parts of `partSize` through the plain SDK commands; returns upload id and part ETags. */
export async function multipartPut(client: S3Client, Bucket: string, Key: string, data: Buffer, partSize = 5 * MiB, complete = true) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/x-parts' }));
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  for (let off = 0, n = 1; off < data.length; off += partSize, n++) {
    const out = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: data.subarray(off, off + partSize) }));
    parts.push({ PartNumber: n, ETag: out.ETag! });
  }
  if (complete) await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  return { UploadId: UploadId!, parts };
}

export const randomData = (n: number) => randomBytes(n);
