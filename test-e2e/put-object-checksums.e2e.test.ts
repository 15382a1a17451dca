import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type ChecksumAlgorithm } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest } from './support/raw';

describe('PutObject checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)', () => {
  const client = s3();
  const bucket = uniqueBucket('checksums');
  const body = Buffer.from('The quick brown fox jumps over the lazy dog');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as ChecksumAlgorithm[])('verifies, stores and returns %s', async (alg) => {
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: `sum-${alg}`, Body: body, ChecksumAlgorithm: alg }));
    const field = `Checksum${alg}` as const;
    expect(put[field]).toBeDefined();
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `sum-${alg}`, ChecksumMode: 'ENABLED' }));
    expect(head[field]).toBe(put[field]);
    const get = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `sum-${alg}`, ChecksumMode: 'ENABLED' }));
    expect(get[field]).toBe(put[field]);
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('matches the known SHA256 and SHA1 digests', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'known', Body: body, ChecksumAlgorithm: 'SHA256' }));
    expect(put.ChecksumSHA256).toBe(createHash('sha256').update(body).digest('base64'));
  });

  it('refuses a wrong checksum header with BadDigest and stores nothing', async () => {
    const wrong = createHash('sha256').update('something else').digest('base64');
    const res = await signedRequest({ method: 'PUT', path: `/${bucket}/bad-sum`, body, headers: { 'x-amz-checksum-sha256': wrong } });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>BadDigest</Code>');
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad-sum' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('ignores an unknown x-amz-checksum-* header', async () => {
    const res = await signedRequest({ method: 'PUT', path: `/${bucket}/odd-sum`, body, headers: { 'x-amz-checksum-md7': 'whatever' } });
    expect(res.status).toBe(200);
  });
});
