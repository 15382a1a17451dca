import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithCli } from './support/cli';
import { uniqueBucket } from './support/clients';
import { stack } from './support/stack';

const run = promisify(execFile);

/** rclone refuses AWS_CA_BUNDLE on a plain-http endpoint; the tests talk http to 127.0.0.1. */
function withoutCaBundle(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _ignored, ...rest } = env;
  return rest;
}

describeWithCli('rclone', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-rclone-'));
  const src = path.join(dir, 'src');
  const bucket = uniqueBucket('rclone');
  const remote = `ex:${bucket}`;

  const rclone = (...args: string[]) => {
    const s = stack();
    return run('rclone', [...args, '--s3-chunk-size', '16M', '--s3-upload-concurrency', '4', '--retries', '1', '--low-level-retries', '1'], {
      env: {
        ...withoutCaBundle(process.env),
        RCLONE_CONFIG: '/dev/null',
        RCLONE_CONFIG_EX_TYPE: 's3',
        RCLONE_CONFIG_EX_PROVIDER: 'Other',
        RCLONE_CONFIG_EX_ENDPOINT: s.endpoint,
        RCLONE_CONFIG_EX_ACCESS_KEY_ID: s.accessKeyId,
        RCLONE_CONFIG_EX_SECRET_ACCESS_KEY: s.secretAccessKey,
        RCLONE_CONFIG_EX_REGION: 'auto',
        RCLONE_CONFIG_EX_FORCE_PATH_STYLE: 'true',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
  };

  beforeAll(() => {
    mkdirSync(path.join(src, 'nested', 'deeper'), { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(path.join(src, i % 2 ? 'nested' : '.', `f${i}.txt`), `file ${i} ${randomBytes(8).toString('hex')}`);
    writeFileSync(path.join(src, 'nested', 'deeper', 'space name + plus.txt'), 'odd name');
    // 300 MiB, written in 16 MiB slices: rclone uploads it multipart.
    const fd = openSync(path.join(src, 'large.bin'), 'w');
    for (let i = 0; i < 300 / 16; i++) writeSync(fd, randomBytes(16 * 1024 * 1024));
    writeSync(fd, randomBytes(300 * 1024 * 1024 - Math.floor(300 / 16) * 16 * 1024 * 1024));
    closeSync(fd);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copy (300 MiB multipart + small files), check, lsf', async () => {
    await rclone('mkdir', remote);
    await rclone('copy', src, remote);
    await rclone('check', src, remote); // exits non-zero on any difference
    const lsf = (await rclone('lsf', '-R', remote)).stdout.split('\n').filter(Boolean).sort();
    expect(lsf).toContain('large.bin');
    expect(lsf).toContain('nested/deeper/space name + plus.txt');
    expect(lsf.filter((l) => !l.endsWith('/'))).toHaveLength(22);
  }, 300_000);

  it('sync propagates changes and deletions, copy back down is identical', async () => {
    writeFileSync(path.join(src, 'f0.txt'), 'changed content');
    rmSync(path.join(src, 'f2.txt'));
    await rclone('sync', src, remote);
    await rclone('check', src, remote);
    const down = path.join(dir, 'down');
    await rclone('copy', `${remote}/nested`, down);
    expect(readFileSync(path.join(down, 'deeper', 'space name + plus.txt'), 'utf8')).toBe('odd name');
    await rclone('check', path.join(src, 'nested'), down);
    await rclone('purge', remote);
    await expect(rclone('lsf', remote)).rejects.toBeDefined();
  }, 300_000);
});
