import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';

// PutObject, GetObject (with Range), HeadObject, DeleteObject through the AWS SDK v3, default
// checksums on: small bodies carry x-amz-checksum-crc32, streams go aws-chunked with a trailer.
describe.each(['path', 'virtual'] as const)('object operations (%s-style)', (style) => {
  const client = s3({ style });
  const bucket = uniqueBucket(`obj-${style}`);
  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('round-trips bytes, headers and metadata with the ETag being the MD5 of the plaintext', async () => {
    const body = randomBytes(300_000);
    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'dir/photo.jpg',
        Body: body,
        ContentType: 'image/jpeg',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="p.jpg"',
        Metadata: { color: 'blue', 'camera-model': 'x100' },
      }),
    );
    const md5 = createHash('md5').update(body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.ServerSideEncryption).toBe('AES256');

    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/photo.jpg' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ETag).toBe(`"${md5}"`);
    expect(got.ContentType).toBe('image/jpeg');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.ContentDisposition).toBe('attachment; filename="p.jpg"');
    expect(got.Metadata).toEqual({ color: 'blue', 'camera-model': 'x100' });
    expect(got.ServerSideEncryption).toBe('AES256');
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(got.ContentLength).toBe(body.length);

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/photo.jpg' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(`"${md5}"`);
    expect(head.Metadata).toEqual({ color: 'blue', 'camera-model': 'x100' });
  });

  it('uploads a stream of unknown length (aws-chunked with a CRC32 trailer) and stores no aws-chunked encoding', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 11);
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'streamed.bin', Body: Readable.from([body.subarray(0, 1_000_000), body.subarray(1_000_000)]), ContentLength: body.length }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ContentEncoding).toBeUndefined();
  });

  it('serves ranges: a-b, a-, -n, clamped end (206) and 416 past the end', async () => {
    const body = Buffer.from('0123456789abcdefghij');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: body }));
    const read = async (Range: string) => {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range }));
      return { text: await r.Body!.transformToString(), range: r.ContentRange, status: r.$metadata.httpStatusCode };
    };
    expect(await read('bytes=2-5')).toEqual({ text: '2345', range: 'bytes 2-5/20', status: 206 });
    expect(await read('bytes=15-')).toEqual({ text: 'fghij', range: 'bytes 15-19/20', status: 206 });
    expect(await read('bytes=-3')).toEqual({ text: 'hij', range: 'bytes 17-19/20', status: 206 });
    expect(await read('bytes=18-100')).toEqual({ text: 'ij', range: 'bytes 18-19/20', status: 206 });
    await expect(read('bytes=20-')).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
  });

  it('ranges across 64 KiB encryption frames return exactly the requested bytes', async () => {
    const body = randomBytes(300_000);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'frames.bin', Body: body }));
    for (const [a, b] of [[65_535, 65_537], [0, 0], [131_071, 200_000], [299_999, 299_999]]) {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'frames.bin', Range: `bytes=${a}-${b}` }));
      expect(Buffer.from(await r.Body!.transformToByteArray()).equals(body.subarray(a!, b! + 1))).toBe(true);
    }
  });

  it('handles empty objects and keys with spaces, unicode and dots', async () => {
    for (const key of ['empty', 'with space/and+plus', 'ünïcødé/ключ', 'a/../b', 'x//y', '%2F-literal']) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key === 'empty' ? '' : key }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await got.Body!.transformToString()).toBe(key === 'empty' ? '' : key);
    }
  });

  it('deletes objects (and deleting a missing key succeeds)', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: 'x' }));
    const del = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'gone' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'gone' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never-existed' }));
  });

  it('overwrites atomically: readers see the old or the new object, never a mix', async () => {
    const a = Buffer.alloc(200_000, 'a');
    const b = Buffer.alloc(200_000, 'b');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'swap', Body: a }));
    const reads = Array.from({ length: 10 }, async () => {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'swap' }));
      const got = Buffer.from(await r.Body!.transformToByteArray());
      expect(got.equals(a) || got.equals(b)).toBe(true);
    });
    await Promise.all([client.send(new PutObjectCommand({ Bucket: bucket, Key: 'swap', Body: b })), ...reads]);
    const after = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'swap' }));
    expect(Buffer.from(await after.Body!.transformToByteArray()).equals(b)).toBe(true);
  });
});
