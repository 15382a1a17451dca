import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueBucket } from './support/clients';
import { stack } from './support/stack';

const run = promisify(execFile);
// Debian's Go and its packaged SDK (golang-github-aws-aws-sdk-go-v2-dev), built offline in GOPATH mode.
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };

function hasGoSdk(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    execFileSync('test', ['-d', '/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/service/s3']);
    return true;
  } catch {
    return false;
  }
}

const describeGo = hasGoSdk() || process.env.E2E_ALLOW_MISSING_CLI !== '1' ? describe : describe.skip;

describeGo('AWS SDK for Go v2', () => {
  it('puts, gets, ranges, multipart-uploads (manager.Uploader), paginates, deletes', async () => {
    expect(hasGoSdk()).toBe(true);
    const bin = path.join(mkdtempSync(path.join(os.tmpdir(), 'excloud-go-')), 's3go');
    await run('go', ['build', '-o', bin, '.'], { cwd: path.join(__dirname, 'support/go'), env: GO_ENV });
    const s = stack();
    const bucket = uniqueBucket('gosdk');
    const { stdout } = await run(bin, [s.endpoint, s.accessKeyId, s.secretAccessKey, bucket], { maxBuffer: 16 * 1024 * 1024 });
    const out = JSON.parse(stdout);
    expect(out.putEtag).toBe(`"${out.md5}"`);
    expect(out).toMatchObject({ getEqual: true, getMeta: { lang: 'go' }, getType: 'application/x-go', rangeEqual: true, multipartEqual: true, missing: 'NotFound' });
    expect(out.multipartEtag).toMatch(/-3"$/);
    expect(out.listed).toEqual(['big.bin', 'dir/go.bin']);
    expect(out.deleted.sort()).toEqual(['big.bin', 'dir/go.bin']);
  }, 180_000);
});
