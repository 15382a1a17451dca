import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aws, describeWithCli } from './support/cli';
import { uniqueBucket } from './support/clients';

describeWithCli('aws', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-cli-'));
  const bucket = uniqueBucket('cli');
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

  it('s3 mb / cp up and down (6 MiB, byte-identical) / ls / rm', async () => {
    await aws(['s3', 'mb', `s3://${bucket}`]);
    const file = path.join(dir, 'six.bin');
    const data = randomBytes(6 * 1024 * 1024);
    writeFileSync(file, data);
    await aws(['s3', 'cp', file, `s3://${bucket}/dir/six.bin`]);
    const back = path.join(dir, 'six.back');
    await aws(['s3', 'cp', `s3://${bucket}/dir/six.bin`, back]);
    expect(md5(readFileSync(back))).toBe(md5(data));

    const ls = await aws(['s3', 'ls', `s3://${bucket}/dir/`]);
    expect(ls.stdout).toMatch(/6291456 six\.bin/);
    const buckets = await aws(['s3', 'ls']);
    expect(buckets.stdout).toContain(bucket);

    await aws(['s3', 'rm', `s3://${bucket}/dir/six.bin`]);
    const after = await aws(['s3', 'ls', `s3://${bucket}/dir/`]).catch((e: { stdout: string }) => e);
    expect(after.stdout).not.toContain('six.bin');
  });

  it('s3api put-object, head-object, get-object --range', async () => {
    const file = path.join(dir, 'small.txt');
    writeFileSync(file, 'hello excloud buckets');
    const put = JSON.parse((await aws(['s3api', 'put-object', '--bucket', bucket, '--key', 'small.txt', '--body', file, '--content-type', 'text/plain', '--metadata', 'owner=ci'])).stdout);
    expect(put.ETag).toBe(`"${md5(Buffer.from('hello excloud buckets'))}"`);

    const head = JSON.parse((await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'small.txt'])).stdout);
    expect(head).toMatchObject({ ContentLength: 21, ContentType: 'text/plain', Metadata: { owner: 'ci' }, ServerSideEncryption: 'AES256' });

    const out = path.join(dir, 'range.out');
    const got = JSON.parse((await aws(['s3api', 'get-object', '--bucket', bucket, '--key', 'small.txt', '--range', 'bytes=6-12', out])).stdout);
    expect(got.ContentRange).toBe('bytes 6-12/21');
    expect(readFileSync(out, 'utf8')).toBe('excloud');
  });

  it('reports a missing key as a 404 error', async () => {
    await expect(aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'nope'])).rejects.toMatchObject({ stderr: expect.stringContaining('404') });
  });
});

describeWithCli('aws', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-cli-big-'));
  const bucket = uniqueBucket('cli-big');
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

  it('s3 cp of a 100 MiB file goes up (multipart) and comes back byte-identical', async () => {
    await aws(['s3', 'mb', `s3://${bucket}`]);
    const file = path.join(dir, 'hundred.bin');
    const data = randomBytes(100 * 1024 * 1024);
    writeFileSync(file, data);
    await aws(['s3', 'cp', file, `s3://${bucket}/hundred.bin`]);
    const head = JSON.parse((await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'hundred.bin'])).stdout);
    expect(head.ETag).toMatch(/-\d+"$/);
    const back = path.join(dir, 'hundred.back');
    await aws(['s3', 'cp', `s3://${bucket}/hundred.bin`, back]);
    expect(md5(readFileSync(back))).toBe(md5(data));
  }, 180_000);
});
