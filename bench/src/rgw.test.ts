import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceOfCommand } from './local-mode';
import { findRgw, lastError, rgwScriptPath } from './rgw';

describe('finding Ceph RGW', () => {
  it('looks for the shared peer script next to the repository unless BENCH_RGW_SCRIPT says otherwise', () => {
    expect(rgwScriptPath({}, '/nowhere/main', undefined)).toBe(path.resolve('/nowhere/shared/peers/ceph-rgw.sh'));
    expect(rgwScriptPath({ BENCH_RGW_SCRIPT: '/opt/rgw.sh' }, '/nowhere/main')).toBe('/opt/rgw.sh');
    // From a git worktree, the script beside the main checkout is found when none is beside the worktree.
    const base = mkdtempSync(path.join(os.tmpdir(), 'rgw-script-'));
    mkdirSync(path.join(base, 'shared', 'peers'), { recursive: true });
    writeFileSync(path.join(base, 'shared', 'peers', 'ceph-rgw.sh'), '');
    try {
      expect(rgwScriptPath({}, '/nowhere/wt/branch', path.join(base, 'main'))).toBe(path.join(base, 'shared', 'peers', 'ceph-rgw.sh'));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('says why RGW cannot run: no script, or which Ceph binaries are missing', () => {
    expect(findRgw('/nonexistent/ceph-rgw.sh', () => true)).toEqual({ error: expect.stringMatching(/\/nonexistent\/ceph-rgw\.sh does not exist/) });
    expect(findRgw(__filename, (b) => b !== 'radosgw' && b !== 'ceph-osd')).toEqual({ error: expect.stringMatching(/^radosgw, ceph-osd not installed/) });
    expect(findRgw(__filename, () => true)).toEqual({ script: __filename });
  });
});

describe('local mode process groups', () => {
  it('counts a process under the one service its command line names, anything else under local', () => {
    expect(serviceOfCommand('/usr/bin/node\0/repo/services/gateway/src/main.ts')).toBe('gateway');
    expect(serviceOfCommand('node\0scripts/local-worker.js\0--service=blob')).toBe('blob');
    expect(serviceOfCommand('/usr/bin/node\0--import\0tsx\0scripts/local.ts')).toBe('local');
    expect(serviceOfCommand('node\0gateway\0blob')).toBe('local');
    expect(serviceOfCommand('/usr/bin/node\0--import\0tsx\0/work/wt/gateway-lean/scripts/local-service.ts\0auth')).toBe('auth');
    expect(serviceOfCommand('/usr/bin/node\0--import\0tsx\0/work/wt/gateway-lean/scripts/local.ts')).toBe('local');
  });
});

describe('lastError', () => {
  it('keeps the line of Ceph output that says what failed, without timestamp and thread', () => {
    const out = [
      '2026-12-01T05:43:52.997+0000 7f950288e1c0 -1 osd.0 0 log_to_monitors {default=true}',
      "2026-12-01T05:43:53.013+0000 7f950288e1c0 -1 osd.0 0 mon_cmd_maybe_osd_create fail: 'wrong fsid': (1) Operation not permitted",
      '2026-12-01T05:43:53.013+0000 7f950288e1c0 -1 osd.0 0 init unable to update_crush_device_class: (1) Operation not permitted',
    ].join('\n');
    expect(lastError(out)).toBe("osd.0 0 mon_cmd_maybe_osd_create fail: 'wrong fsid': (1) Operation not permitted");
    expect(lastError('just this\n')).toBe('just this');
  });
});
