import { createHash, randomBytes } from 'node:crypto';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';

describe('CopyObject', () => {
  const client = s3();
  const src = uniqueBucket('copy-src');
  const dst = uniqueBucket('copy-dst');
  const body = randomBytes(200_000);
  const md5 = createHash('md5').update(body).digest('hex');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: src }));
    await client.send(new CreateBucketCommand({ Bucket: dst }));
    await client.send(new PutObjectCommand({ Bucket: src, Key: 'dir/a b+c.bin', Body: body, ContentType: 'application/x-test', Metadata: { origin: 'src' } }));
  });

  const bytesOf = async (Bucket: string, Key: string) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());

  it('copies across buckets with the COPY directive (metadata and headers follow the source)', async () => {
    const out = await client.send(new CopyObjectCommand({ Bucket: dst, Key: 'copied', CopySource: `${src}/${encodeURIComponent('dir/a b+c.bin')}` }));
    expect(out.CopyObjectResult?.ETag).toBe(`"${md5}"`);
    expect((await bytesOf(dst, 'copied')).equals(body)).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: dst, Key: 'copied' }));
    expect(head).toMatchObject({ ContentType: 'application/x-test', Metadata: { origin: 'src' }, ContentLength: body.length });
  });

  it('replaces metadata and system headers with REPLACE', async () => {
    await client.send(
      new CopyObjectCommand({ Bucket: dst, Key: 'replaced', CopySource: `${src}/${encodeURIComponent('dir/a b+c.bin')}`, MetadataDirective: 'REPLACE', ContentType: 'text/plain', Metadata: { fresh: 'yes' } }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: dst, Key: 'replaced' }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toEqual({ fresh: 'yes' });
  });

  it('refuses copying onto itself without REPLACE, allows it with REPLACE', async () => {
    const self = `${src}/${encodeURIComponent('dir/a b+c.bin')}`;
    await expect(client.send(new CopyObjectCommand({ Bucket: src, Key: 'dir/a b+c.bin', CopySource: self }))).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    await client.send(new CopyObjectCommand({ Bucket: src, Key: 'dir/a b+c.bin', CopySource: self, MetadataDirective: 'REPLACE', Metadata: { origin: 'again' } }));
    expect((await client.send(new HeadObjectCommand({ Bucket: src, Key: 'dir/a b+c.bin' }))).Metadata).toEqual({ origin: 'again' });
  });

  it('honours the copy-source conditions with 412', async () => {
    const CopySource = `${src}/${encodeURIComponent('dir/a b+c.bin')}`;
    await expect(client.send(new CopyObjectCommand({ Bucket: dst, Key: 'c1', CopySource, CopySourceIfMatch: '"0000"' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(client.send(new CopyObjectCommand({ Bucket: dst, Key: 'c2', CopySource, CopySourceIfNoneMatch: `"${md5}"` }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(
      client.send(new CopyObjectCommand({ Bucket: dst, Key: 'c3', CopySource, CopySourceIfUnmodifiedSince: new Date(Date.now() - 86_400_000) })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await client.send(new CopyObjectCommand({ Bucket: dst, Key: 'c4', CopySource, CopySourceIfMatch: `"${md5}"` }));
    expect((await bytesOf(dst, 'c4')).equals(body)).toBe(true);
  });

  it('answers NoSuchKey for a missing source and NoSuchBucket for a missing destination', async () => {
    await expect(client.send(new CopyObjectCommand({ Bucket: dst, Key: 'x', CopySource: `${src}/missing` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(client.send(new CopyObjectCommand({ Bucket: `${dst}-none`, Key: 'x', CopySource: `${src}/${encodeURIComponent('dir/a b+c.bin')}` }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('cannot read another org\'s object as a copy source', async () => {
    const other = s3({ who: 'other' });
    await other.send(new CreateBucketCommand({ Bucket: src }));
    await expect(other.send(new CopyObjectCommand({ Bucket: src, Key: 'stolen', CopySource: `${src}/${encodeURIComponent('dir/a b+c.bin')}` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
