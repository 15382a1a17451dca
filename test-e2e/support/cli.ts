import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { stack } from './stack';

const run = promisify(execFile);

// Debian's aws cli v2 (the one CI installs), even when another `aws` comes first on PATH.
const AWS_BIN = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

export function hasCommand(name: string): boolean {
  try {
    require('node:child_process').execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's aws cli against the running stack, with the test org's key and no user config. */
export async function aws(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const s = stack();
  return run(AWS_BIN, ['--endpoint-url', s.endpoint, '--region', 'auto', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: s.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * A real client that is missing fails the suite unless the environment says it may be skipped:
 * a test that silently does nothing would hide a broken install step.
 */
export function describeWithCli(name: string, fn: () => void): void {
  if (hasCommand(name)) describe(`${name} cli`, fn);
  else if (process.env.E2E_ALLOW_MISSING_CLI === '1') describe.skip(`${name} cli (not installed)`, fn);
  else describe(`${name} cli`, () => it('is installed', () => expect(`${name} on PATH`).toBe(`${name} missing: apt-get install it`)));
}
