import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_MALLOC_TUNABLES, withServiceMallocTuning } from './malloc-tuning';

/** glibc's dynamic loader prints the tunables it ends up with (unknown names and bad values are dropped silently). */
const LOADER = '/lib64/ld-linux-x86-64.so.2';

function listTunables(glibcTunables: string): Map<string, bigint> {
  const out = spawnSync(LOADER, ['--list-tunables'], { env: { GLIBC_TUNABLES: glibcTunables }, encoding: 'utf8' });
  expect(out.status).toBe(0);
  const values = new Map<string, bigint>();
  for (const line of out.stdout.split('\n')) {
    const m = /^(glibc\.malloc\.\w+): (0x[0-9a-f]+|\d+)/.exec(line);
    if (m) values.set(m[1]!, BigInt(m[2]!));
  }
  return values;
}

describe('SERVICE_MALLOC_TUNABLES', () => {
  (existsSync(LOADER) ? it : it.skip)('are names and values this glibc takes', () => {
    const applied = listTunables(SERVICE_MALLOC_TUNABLES);
    const defaults = listTunables('');
    for (const setting of SERVICE_MALLOC_TUNABLES.split(':')) {
      const [name, value] = setting.split('=');
      expect(applied.get(name!)).toBe(BigInt(value!));
      expect(defaults.get(name!)).not.toBe(BigInt(value!));
    }
  });

  it('are what the image starts every service with (deploy/excloud.sh cannot import them)', () => {
    const entrypoint = readFileSync(join(__dirname, '../../../deploy/excloud.sh'), 'utf8');
    expect(entrypoint).toContain(`GLIBC_TUNABLES="\${GLIBC_TUNABLES:-${SERVICE_MALLOC_TUNABLES}}"`);
  });
});

describe('withServiceMallocTuning', () => {
  it('adds the tunables and keeps the rest of the environment', () => {
    expect(withServiceMallocTuning({ A: '1' })).toEqual({ A: '1', GLIBC_TUNABLES: SERVICE_MALLOC_TUNABLES });
  });

  it("leaves an operator's own GLIBC_TUNABLES alone", () => {
    expect(withServiceMallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
  });
});
