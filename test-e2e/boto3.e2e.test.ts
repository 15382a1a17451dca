import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueBucket } from './support/clients';
import { stack } from './support/stack';

const run = promisify(execFile);
// Debian's python3 with python3-boto3 (the pyenv python first on PATH has no boto3).
const PYTHON = '/usr/bin/python3';

function hasBoto3(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const describeBoto3 = hasBoto3() || process.env.E2E_ALLOW_MISSING_CLI !== '1' ? describe : describe.skip;

describeBoto3('boto3', () => {
  it('puts, gets, ranges, multipart-uploads, paginates, deletes', async () => {
    expect(hasBoto3()).toBe(true);
    const s = stack();
    const bucket = uniqueBucket('boto3');
    const { stdout } = await run(PYTHON, [path.join(__dirname, 'support/python/boto3_client.py'), s.endpoint, s.accessKeyId, s.secretAccessKey, bucket], {
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const out = JSON.parse(stdout);
    expect(out.buckets).toContain(bucket);
    expect(out.put_etag).toBe(`"${out.md5}"`);
    expect(out).toMatchObject({ get_equal: true, get_meta: { who: 'boto3' }, get_type: 'application/x-boto', range_equal: true, multipart_equal: true, missing: '404' });
    expect(out.multipart_etag).toMatch(/-3"$/);
    expect(out.listed).toEqual(['big.bin', 'dir/a b.bin']);
    expect(out.deleted).toEqual(['big.bin', 'dir/a b.bin']);
  }, 120_000);
});
