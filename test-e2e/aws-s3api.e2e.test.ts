import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aws, describeWithCli } from './support/cli';
import { uniqueBucket } from './support/clients';

const json = async (args: string[]) => {
  const out = (await aws(args)).stdout;
  return out.trim() ? JSON.parse(out) : {};
};

describeWithCli('aws', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-s3api-'));
  const bucket = uniqueBucket('s3api');
  const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

  beforeAll(async () => {
    await aws(['s3api', 'create-bucket', '--bucket', bucket]);
  });

  it('s3 sync uploads only what changed and --delete removes what is gone', async () => {
    const src = path.join(dir, 'site');
    mkdirSync(path.join(src, 'css'), { recursive: true });
    writeFileSync(path.join(src, 'index.html'), '<h1>v1</h1>');
    writeFileSync(path.join(src, 'css', 'a.css'), 'a{}');
    writeFileSync(path.join(src, 'old.txt'), 'old');
    const first = (await aws(['s3', 'sync', src, `s3://${bucket}/site`])).stdout;
    expect(first.match(/upload:/g)).toHaveLength(3);
    writeFileSync(path.join(src, 'index.html'), '<h1>version 2</h1>');
    require('node:fs').rmSync(path.join(src, 'old.txt'));
    const second = (await aws(['s3', 'sync', src, `s3://${bucket}/site`, '--delete'])).stdout;
    expect(second).toMatch(/upload: .*index\.html/);
    expect(second).toMatch(/delete: s3:\/\/.*old\.txt/);
    expect(second).not.toMatch(/a\.css/);
  });

  it('bucket calls: head-bucket, list-buckets, get-bucket-location, versioning', async () => {
    await aws(['s3api', 'head-bucket', '--bucket', bucket]);
    expect((await json(['s3api', 'list-buckets'])).Buckets.map((b: { Name: string }) => b.Name)).toContain(bucket);
    expect((await json(['s3api', 'get-bucket-location', '--bucket', bucket])).LocationConstraint).toBe('auto');
    // Versioning on a bucket of its own: delete markers would keep the main bucket non-empty.
    const versioned = uniqueBucket('s3api-ver');
    await aws(['s3api', 'create-bucket', '--bucket', versioned]);
    await aws(['s3api', 'put-bucket-versioning', '--bucket', versioned, '--versioning-configuration', 'Status=Enabled']);
    expect((await json(['s3api', 'get-bucket-versioning', '--bucket', versioned])).Status).toBe('Enabled');
    const file = path.join(dir, 'v.txt');
    writeFileSync(file, 'v1');
    const v1 = await json(['s3api', 'put-object', '--bucket', versioned, '--key', 'v', '--body', file]);
    writeFileSync(file, 'v2');
    await json(['s3api', 'put-object', '--bucket', versioned, '--key', 'v', '--body', file]);
    await aws(['s3api', 'delete-object', '--bucket', versioned, '--key', 'v']);
    const versions = await json(['s3api', 'list-object-versions', '--bucket', versioned]);
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(1);
    const old = path.join(dir, 'v.old');
    await json(['s3api', 'get-object', '--bucket', versioned, '--key', 'v', '--version-id', v1.VersionId, old]);
    expect(readFileSync(old, 'utf8')).toBe('v1');
  });

  it('put-object with checksums and metadata, head-object --checksum-mode, get-object --range and --if-none-match', async () => {
    const file = path.join(dir, 'obj.txt');
    writeFileSync(file, 'checksummed content');
    const put = await json(['s3api', 'put-object', '--bucket', bucket, '--key', 'obj.txt', '--body', file, '--content-type', 'text/plain', '--metadata', 'team=storage', '--checksum-algorithm', 'SHA256']);
    expect(put.ChecksumSHA256).toBe(createHash('sha256').update('checksummed content').digest('base64'));
    const crc = await json(['s3api', 'put-object', '--bucket', bucket, '--key', 'crc.txt', '--body', file, '--checksum-algorithm', 'CRC32']);
    expect(crc.ChecksumCRC32).toBeDefined();
    const head = await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'obj.txt', '--checksum-mode', 'ENABLED']);
    expect(head).toMatchObject({ ContentType: 'text/plain', Metadata: { team: 'storage' }, ChecksumSHA256: put.ChecksumSHA256 });
    const out = path.join(dir, 'range.out');
    await json(['s3api', 'get-object', '--bucket', bucket, '--key', 'obj.txt', '--range', 'bytes=0-10', out]);
    expect(readFileSync(out, 'utf8')).toBe('checksummed');
    await expect(aws(['s3api', 'get-object', '--bucket', bucket, '--key', 'obj.txt', '--if-none-match', head.ETag, out])).rejects.toMatchObject({ stderr: expect.stringContaining('304') });
  });

  it('copy-object with REPLACE, delete-objects, list-objects v1 and v2 with paging', async () => {
    const copy = await json(['s3api', 'copy-object', '--bucket', bucket, '--key', 'copy.txt', '--copy-source', `${bucket}/obj.txt`, '--metadata-directive', 'REPLACE', '--content-type', 'application/x-copy']);
    expect(copy.CopyObjectResult.ETag).toBe(`"${md5('checksummed content')}"`);
    expect((await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'copy.txt'])).ContentType).toBe('application/x-copy');

    const v1 = await json(['s3api', 'list-objects', '--bucket', bucket, '--prefix', 'site/', '--delimiter', '/']);
    expect(v1.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual(['site/css/']);
    const v2 = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--page-size', '1']);
    expect(v2.Contents.map((c: { Key: string }) => c.Key)).toEqual(['copy.txt', 'crc.txt', 'obj.txt', 'site/css/a.css', 'site/index.html']);

    const del = await json(['s3api', 'delete-objects', '--bucket', bucket, '--delete', JSON.stringify({ Objects: [{ Key: 'copy.txt' }, { Key: 'crc.txt' }, { Key: 'missing' }] })]);
    expect(del.Deleted.map((d: { Key: string }) => d.Key).sort()).toEqual(['copy.txt', 'crc.txt', 'missing']);
  });

  it('multipart through s3api: create, upload-part, list-parts, list-multipart-uploads, complete, abort', async () => {
    const part = path.join(dir, 'part.bin');
    writeFileSync(part, Buffer.alloc(5 * 1024 * 1024, 7));
    const tail = path.join(dir, 'tail.bin');
    writeFileSync(tail, 'tail');
    const { UploadId } = await json(['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', 'mp.bin']);
    const p1 = await json(['s3api', 'upload-part', '--bucket', bucket, '--key', 'mp.bin', '--upload-id', UploadId, '--part-number', '1', '--body', part]);
    const p2 = await json(['s3api', 'upload-part', '--bucket', bucket, '--key', 'mp.bin', '--upload-id', UploadId, '--part-number', '2', '--body', tail]);
    expect((await json(['s3api', 'list-parts', '--bucket', bucket, '--key', 'mp.bin', '--upload-id', UploadId])).Parts.map((p: { PartNumber: number }) => p.PartNumber)).toEqual([1, 2]);
    expect((await json(['s3api', 'list-multipart-uploads', '--bucket', bucket])).Uploads.map((u: { UploadId: string }) => u.UploadId)).toEqual([UploadId]);
    const parts = { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] };
    const done = await json(['s3api', 'complete-multipart-upload', '--bucket', bucket, '--key', 'mp.bin', '--upload-id', UploadId, '--multipart-upload', JSON.stringify(parts)]);
    expect(done.ETag).toMatch(/-2"$/);
    const abandoned = await json(['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', 'gone.bin']);
    await aws(['s3api', 'abort-multipart-upload', '--bucket', bucket, '--key', 'gone.bin', '--upload-id', abandoned.UploadId]);
    expect((await json(['s3api', 'list-multipart-uploads', '--bucket', bucket])).Uploads ?? []).toEqual([]);
  });

  it('delete-object and delete-bucket (BucketNotEmpty first)', async () => {
    await expect(aws(['s3api', 'delete-bucket', '--bucket', bucket])).rejects.toMatchObject({ stderr: expect.stringContaining('BucketNotEmpty') });
    await aws(['s3', 'rm', `s3://${bucket}`, '--recursive']);
    await aws(['s3api', 'delete-bucket', '--bucket', bucket]);
    await expect(aws(['s3api', 'head-bucket', '--bucket', bucket])).rejects.toMatchObject({ stderr: expect.stringContaining('404') });
  });
});
