import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithCli } from './support/cli';
import { uniqueBucket } from './support/clients';
import { control, eventually, exc, freshOrg } from './support/control';
import { stack } from './support/stack';

const run = promisify(execFile);

// Every step spawns node (exc) or python (aws): slow on a loaded machine, not stuck.
jest.setTimeout(180_000);

/**
 * The customer's path from the issue: an org token → `exc buckets keys create` → `configure` into
 * a temp HOME → Debian's aws cli with `--profile excloud` → delete the key → 403.
 */
describeWithCli('aws', () => {
  let org: { orgId: string; token: string };
  let home: string;

  beforeAll(async () => {
    org = await freshOrg('exc');
    home = mkdtempSync(path.join(os.tmpdir(), 'exc-home-'));
  });

  // Debian's aws cli (2.9) predates `endpoint_url` in ~/.aws/config (2.13+): the endpoint is passed
  // explicitly; the credentials and region come from the profile exc wrote.
  const awsProfile = (args: string[]) =>
    run('/usr/bin/aws', ['--profile', 'excloud', '--endpoint-url', stack().endpoint, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, AWS_PAGER: '' },
    });

  it('logs in, creates a key, configures an aws profile, and the aws cli round-trips a file with it', async () => {
    const login = await exc(['login', '--endpoint', stack().controlUrl!, '--token', org.token], { home });
    expect(login).toMatchObject({ code: 0 });
    expect(statSync(path.join(home, '.config/exc/config.json')).mode & 0o777).toBe(0o600);

    const me = JSON.parse((await exc(['me', '--json'], { home })).stdout);
    expect(me).toMatchObject({ id: org.orgId, usage: { bytes: 0 } });

    const bucket = uniqueBucket('exc');
    expect((await exc(['buckets', 'create', bucket], { home })).code).toBe(0);

    // A profile of the user's own, which configure must keep.
    mkdirSync(path.join(home, '.aws'), { recursive: true });
    writeFileSync(path.join(home, '.aws/config'), '[default]\nregion = eu-west-1\noutput = json\n');
    writeFileSync(path.join(home, '.aws/credentials'), '[default]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = keepme\n');

    const created = await exc(['buckets', 'keys', 'create', '--name', 'laptop', '--json'], { home });
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key.access_key_id).toMatch(/^AKIA[A-Z2-7]{16}$/);

    const configured = await exc(['buckets', 'keys', 'configure', key.access_key_id, '--profile', 'excloud'], { home });
    expect(configured).toMatchObject({ code: 0 });
    expect(readFileSync(path.join(home, '.aws/config'), 'utf8')).toBe(
      `[default]\nregion = eu-west-1\noutput = json\n\n[profile excloud]\nregion = auto\nendpoint_url = ${me.s3_endpoint}\n`,
    );
    expect(readFileSync(path.join(home, '.aws/credentials'), 'utf8')).toBe(
      `[default]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = keepme\n\n[excloud]\naws_access_key_id = ${key.access_key_id}\naws_secret_access_key = ${key.secret_access_key}\n`,
    );

    const file = path.join(home, 'file.txt');
    writeFileSync(file, 'round trip through exc\n');
    await awsProfile(['s3', 'cp', file, `s3://${bucket}/file.txt`]);
    expect((await awsProfile(['s3', 'cp', `s3://${bucket}/file.txt`, '-'])).stdout).toBe('round trip through exc\n');

    const usage = JSON.parse((await exc(['buckets', 'usage', '--json'], { home })).stdout);
    expect(usage.total).toMatchObject({ objects: 1, bytes: 23 });
    expect((await exc(['buckets', 'usage'], { home })).stdout).toMatch(/TOTAL\s+1\s+23\s+23 B/);

    expect((await exc(['buckets', 'keys', 'delete', key.access_key_id], { home })).code).toBe(0);
    // The e2e stack's gateway caches verified keys for 1 s.
    const refused = await eventually(
      () =>
        awsProfile(['s3', 'cp', `s3://${bucket}/file.txt`, '-']).then(
          () => false,
          (err: { stderr?: string }) => /403|Forbidden|InvalidAccessKeyId/.test(String(err.stderr)),
        ),
      5000,
    );
    expect(refused).toBe(true);
  });

  it('takes the secret from --secret-key-stdin for a key it did not create', async () => {
    const key = (await control('POST', '/v1/orgs/me/keys', org.token, {})).body;
    const home2 = mkdtempSync(path.join(os.tmpdir(), 'exc-home-'));
    expect((await exc(['login', '--endpoint', stack().controlUrl!, '--token', org.token], { home: home2 })).code).toBe(0);
    // No record and no terminal: a clear error, nothing written.
    const noSecret = await exc(['buckets', 'keys', 'configure', key.access_key_id], { home: home2 });
    expect(noSecret).toMatchObject({ code: 2, stderr: 'exc: no terminal to ask for the secret: pass --secret-key-stdin\n' });
    expect(existsSync(path.join(home2, '.aws/credentials'))).toBe(false);
    const ok = await exc(['buckets', 'keys', 'configure', key.access_key_id, '--secret-key-stdin'], { home: home2, stdin: key.secret_access_key + '\n' });
    expect(ok.code).toBe(0);
    expect(readFileSync(path.join(home2, '.aws/credentials'), 'utf8')).toContain(`aws_secret_access_key = ${key.secret_access_key}\n`);
  });
});

describe('exc bad input: one clear line and an exit code', () => {
  let org: { orgId: string; token: string };
  let other: { orgId: string; token: string };
  let home: string;
  beforeAll(async () => {
    org = await freshOrg('exc-bad');
    other = await freshOrg('exc-other');
    home = mkdtempSync(path.join(os.tmpdir(), 'exc-home-'));
    expect((await exc(['login', '--endpoint', stack().controlUrl!, '--token', org.token], { home })).code).toBe(0);
  });

  it('a malformed endpoint, a wrong token, no login', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'exc-home-'));
    expect(await exc(['login', '--endpoint', 'ftp//nope', '--token', org.token], { home: fresh })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^exc: malformed endpoint "ftp\/\/nope"[^\n]*\n$/) });
    expect(await exc(['login', '--endpoint', stack().controlUrl!, '--token', 'exc_wrongwrongwrongwrongwrongwrong'], { home: fresh })).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^exc: invalid or revoked org API token[^\n]*\n$/),
    });
    expect(existsSync(path.join(fresh, '.config/exc/config.json'))).toBe(false);
    expect(await exc(['me'], { home: fresh })).toMatchObject({ code: 3, stderr: expect.stringMatching(/^exc: not logged in/) });
  });

  it('unknown keys, other orgs keys and malformed ids', async () => {
    const theirs = (await control('POST', '/v1/orgs/me/keys', other.token, {})).body.access_key_id;
    for (const verb of ['delete', 'disable', 'enable']) {
      expect(await exc(['buckets', 'keys', verb, theirs], { home })).toMatchObject({ code: 1, stderr: `exc: no access key ${theirs} in this org\n` });
    }
    expect(await exc(['buckets', 'keys', 'configure', theirs], { home })).toMatchObject({ code: 1, stderr: `exc: access key ${theirs} does not exist in org ${org.orgId}\n` });
    expect(await exc(['buckets', 'keys', 'delete', 'AKIA-nope'], { home })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^exc: malformed access key id "AKIA-nope"/) });
    // The other org's key still works for its owner.
    expect((await control('GET', '/v1/orgs/me/keys', other.token)).body.keys[0]).toMatchObject({ access_key_id: theirs, status: 'active' });
  });

  it('bad bucket names, unknown commands and options, --json errors', async () => {
    expect(await exc(['buckets', 'create', 'Bad_Name'], { home })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^exc: invalid bucket name "Bad_Name"/) });
    expect(await exc(['buckets', 'delete', 'no-such-bucket-here'], { home })).toMatchObject({ code: 1, stderr: 'exc: no bucket no-such-bucket-here in this org\n' });
    expect(await exc(['buckets', 'update', 'x-bucket'], { home })).toMatchObject({ code: 2 });
    expect(await exc(['buckets', 'frobnicate'], { home })).toMatchObject({ code: 2, stderr: 'exc: unknown command: exc buckets frobnicate (see exc buckets --help)\n' });
    expect(await exc(['buckets', 'list', '--colour'], { home })).toMatchObject({ code: 2, stderr: 'exc: unknown option --colour\n' });
    const json = await exc(['buckets', 'delete', 'no-such-bucket-here', '--json'], { home });
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'not_found', message: 'no bucket no-such-bucket-here in this org' } });
  });

  it('answers --help at every level', async () => {
    for (const args of [['--help'], ['buckets', '--help'], ['buckets', 'keys', '--help'], ['buckets', 'keys', 'configure', '--help'], ['login', '--help'], ['me', '--help']]) {
      const r = await exc(args, { home });
      expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: exc /) });
    }
  });
});
