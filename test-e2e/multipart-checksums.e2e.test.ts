import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, HeadObjectCommand, UploadPartCommand, type ChecksumAlgorithm } from '@aws-sdk/client-s3';
import { createChecksum } from '@excloud/sigv4';
import { s3, uniqueBucket } from './support/clients';
import { MiB, randomData } from './support/multipart';

const sum = (alg: 'CRC32' | 'CRC64NVME' | 'SHA256', data: Buffer) => {
  const c = createChecksum(alg);
  c.update(data);
  return c.digestBase64();
};

describe('multipart checksums: COMPOSITE and FULL_OBJECT', () => {
  const client = s3();
  const bucket = uniqueBucket('mpu-sums');
  const data = randomData(5 * MiB + 4321);
  const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB)];

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  async function upload(Key: string, alg: ChecksumAlgorithm, type?: 'COMPOSITE' | 'FULL_OBJECT') {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: alg, ChecksumType: type }));
    const done = [];
    for (const [i, Body] of parts.entries()) {
      const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: alg }));
      done.push({ PartNumber: i + 1, ETag: out.ETag, [`Checksum${alg}`]: out[`Checksum${alg}` as 'ChecksumCRC32'] });
    }
    return client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: done } }));
  }

  it('CRC64NVME defaults to FULL_OBJECT: the CRC of the whole object, combined from the parts', async () => {
    const out = await upload('full', 'CRC64NVME');
    expect(out.ChecksumCRC64NVME).toBe(sum('CRC64NVME', data));
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'full', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC64NVME).toBe(sum('CRC64NVME', data));
    expect(head.ChecksumType).toBe('FULL_OBJECT');
  });

  it('CRC32 FULL_OBJECT on request', async () => {
    const out = await upload('full32', 'CRC32', 'FULL_OBJECT');
    expect(out.ChecksumCRC32).toBe(sum('CRC32', data));
  });

  it('SHA256 is COMPOSITE: the checksum of the part checksums, suffixed with the part count', async () => {
    const out = await upload('composite', 'SHA256');
    const partSums = Buffer.concat(parts.map((p) => Buffer.from(sum('SHA256', p), 'base64')));
    expect(out.ChecksumSHA256).toBe(`${sum('SHA256', partSums)}-2`);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'composite', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumType).toBe('COMPOSITE');
  });

  it('refuses FULL_OBJECT with a SHA algorithm', async () => {
    await expect(client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'x', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
