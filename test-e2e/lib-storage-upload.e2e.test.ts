import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { s3, uniqueBucket } from './support/clients';
import { MiB, randomData } from './support/multipart';

describe('@aws-sdk/lib-storage Upload', () => {
  const client = s3({ style: 'virtual' });
  const bucket = uniqueBucket('libstorage');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('uploads a stream with parallel parts and reads it back intact', async () => {
    const data = randomData(23 * MiB + 7);
    const upload = new Upload({ client, params: { Bucket: bucket, Key: 'stream.bin', Body: Readable.from([data]) }, partSize: 5 * MiB, queueSize: 4 });
    const done = await upload.done();
    expect(done.ETag).toMatch(/-5"$/);
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream.bin' }));
    const got = Buffer.from(await out.Body!.transformToByteArray());
    expect(createHash('md5').update(got).digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
  });
});
