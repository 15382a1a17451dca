import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithCli } from './support/cli';
import { uniqueBucket } from './support/clients';
import { stack } from './support/stack';

const run = promisify(execFile);

describeWithCli('s3cmd', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-s3cmd-'));
  const bucket = uniqueBucket('s3cmd');
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
  let config = '';

  beforeAll(() => {
    const s = stack();
    config = path.join(dir, 's3cfg');
    writeFileSync(
      config,
      [
        '[default]',
        `access_key = ${s.accessKeyId}`,
        `secret_key = ${s.secretAccessKey}`,
        `host_base = 127.0.0.1:${s.port}`,
        `host_bucket = 127.0.0.1:${s.port}`,
        'bucket_location = auto',
        'use_https = False',
        'signature_v2 = False',
        'check_ssl_certificate = False',
        'multipart_chunk_size_mb = 15',
        '',
      ].join('\n'),
    );
  });

  const s3cmd = (...args: string[]) => run('s3cmd', ['-c', config, ...args], { maxBuffer: 16 * 1024 * 1024 });

  it('mb / put (small and multipart) / ls / la / info / get byte-identical / del / rb', async () => {
    await s3cmd('mb', `s3://${bucket}`);
    const small = path.join(dir, 'small.txt');
    writeFileSync(small, 'hello from s3cmd');
    const big = path.join(dir, 'big.bin');
    const bigData = randomBytes(20 * 1024 * 1024);
    writeFileSync(big, bigData);
    await s3cmd('put', small, `s3://${bucket}/docs/small.txt`);
    await s3cmd('put', big, `s3://${bucket}/big.bin`);

    const ls = (await s3cmd('ls', `s3://${bucket}/`)).stdout;
    expect(ls).toContain(`s3://${bucket}/big.bin`);
    expect(ls).toContain(`DIR  s3://${bucket}/docs/`);
    const la = (await s3cmd('la')).stdout;
    expect(la).toContain(`s3://${bucket}/big.bin`);
    const recursive = (await s3cmd('ls', '-r', `s3://${bucket}/`)).stdout;
    expect(recursive).toContain(`s3://${bucket}/docs/small.txt`);
    const info = (await s3cmd('info', `s3://${bucket}/docs/small.txt`)).stdout;
    expect(info).toMatch(/File size:\s+16/);

    const back = path.join(dir, 'big.back');
    await s3cmd('get', `s3://${bucket}/big.bin`, back);
    expect(md5(readFileSync(back))).toBe(md5(bigData));
    const smallBack = path.join(dir, 'small.back');
    await s3cmd('get', `s3://${bucket}/docs/small.txt`, smallBack);
    expect(readFileSync(smallBack, 'utf8')).toBe('hello from s3cmd');

    await s3cmd('del', `s3://${bucket}/big.bin`, `s3://${bucket}/docs/small.txt`);
    expect((await s3cmd('ls', '-r', `s3://${bucket}/`)).stdout.trim()).toBe('');
    await s3cmd('rb', `s3://${bucket}`);
    expect((await s3cmd('ls')).stdout).not.toContain(bucket);
  }, 120_000);
});
