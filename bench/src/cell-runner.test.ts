import childProcess from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addUsage, runCellInRounds, type CellEnv } from './cell-runner';
import { rotate } from './matrix';
import type { TargetName } from './cell-result';
import { MATRIX } from './matrix';
import { PayloadCache } from './payload';
import { Progress } from './progress';
import type { ObjectTarget } from './targets/target';
import { TargetState } from './workloads';

/** A target whose every request takes ~2 ms and is logged with its target's name. */
function loggingTarget(name: TargetName, log: string[], stored = new Set<string>()): ObjectTarget {
  const slow = async (key: string) => {
    log.push(name);
    await new Promise((r) => setTimeout(r, 2));
    return key;
  };
  return {
    name,
    put: async (key) => void stored.add(await slow(key)),
    get: async (key) => void (await slow(key)),
    head: async (key) => void (await slow(key)),
    delete: async (key) => void stored.delete(await slow(key)),
    close: () => undefined,
  };
}

describe('runCellInRounds', () => {
  let dir: string;
  let env: CellEnv;
  const quiet = async () => ({ quiet: true, waitedMs: 0, busy: 0, disk: 0 });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rounds-'));
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    env = { payloads: new PayloadCache(), progress: new Progress(2), seconds: 0.3, syncDir: dir, quiet };
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each target one slice per round, the first place turning every round, and adds the slices up', async () => {
    const log: string[] = [];
    const def = MATRIX.find((c) => c.id === 'put-4k-c1')!;
    const members = (['excloud', 'rgw'] as const).map((name, i) => ({
      state: new TargetState(loggingTarget(name, log)),
      probe: { groups: async () => ({}) },
      index: i + 1,
    }));
    // Each slice starts by waiting for a quiet machine: mark it in the request log, and the syncs.
    env.quiet = async () => (log.push('|'), quiet());
    jest.spyOn(childProcess, 'spawnSync').mockImplementation(() => {
      log.push('sync');
      return { status: 0 } as ReturnType<typeof childProcess.spawnSync>;
    });
    const runs = await runCellInRounds(def, members, env, 3);
    // A PUT cell's writes are synced after every slice, so they never land in the next target's.
    const beforeSlices = log.map((e, i) => (e === '|' ? log[i - 1] : undefined)).filter((e) => e !== undefined);
    expect(beforeSlices).toEqual(Array(6).fill('sync'));
    log.splice(0, log.length, ...log.filter((e) => e !== 'sync'));

    const slices = log.join(' ').split('|').slice(1).map((s) => [...new Set(s.trim().split(' '))]);
    expect(slices).toEqual([['excloud'], ['rgw'], ['rgw'], ['excloud'], ['excloud'], ['rgw']]);
    expect(runs.map((r) => r.target)).toEqual(['excloud', 'rgw']);
    for (const run of runs) {
      expect(run.summary.status).toBe('ok');
      expect(run.summary.ops).toBe(log.filter((n) => n === run.target).length);
      expect(run.summary.ops).toBeGreaterThan(50);
      // Three slices of 100 ms each.
      expect(run.summary.seconds).toBeGreaterThan(0.28);
      expect(run.summary.seconds).toBeLessThan(0.5);
      expect(run.summary.opsPerSec).toBeCloseTo(run.summary.ops / run.summary.seconds, 5);
      expect(run.resources?.generator?.cpuMs).toBeGreaterThan(0);
    }
  });

  it('reports a target whose preparation failed as failed and still measures the others', async () => {
    const log: string[] = [];
    const def = MATRIX.find((c) => c.id === 'get-4k-c1')!;
    const broken = loggingTarget('local', log);
    broken.put = async () => {
      throw new Error('disk full');
    };
    const members = [
      { state: new TargetState(broken), probe: { groups: async () => ({}) }, index: 1 },
      { state: new TargetState(loggingTarget('rgw', log)), probe: { groups: async () => ({}) }, index: 2 },
    ];
    const [failed, measured] = await runCellInRounds(def, members, env, 3);
    expect(failed!.summary.status).toBe('failed');
    expect(failed!.summary.note).toContain('preparation failed: disk full');
    expect(measured!.summary.status).toBe('ok');
    expect(measured!.summary.ops).toBeGreaterThan(0);
  });

  it('ends a target that ran out of objects early, saying so once', async () => {
    const def = MATRIX.find((c) => c.id === 'delete-c8')!;
    const state = new TargetState(loggingTarget('excloud', []));
    // Pre-filled so the cell has only these few to delete.
    for (let i = 0; i < 3000; i++) state.pool(def.size).add(`k${i}`);
    env.seconds = 3;
    const [run] = await runCellInRounds(def, [{ state, probe: { groups: async () => ({}) }, index: 1 }, { state: new TargetState(loggingTarget('rgw', [])), probe: { groups: async () => ({}) }, index: 2 }], env, 3);
    expect(run!.summary.ops).toBe(3000);
    expect(run!.summary.note).toBe('ran out of objects after deleting 3000');
  });
});

describe('rotate and addUsage', () => {
  it('rotates by rounds, wrapping around', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 2)).toEqual([]);
  });

  it('adds CPU and keeps the largest RSS', () => {
    const total = {};
    addUsage(total, { blob: { cpuMs: 10, maxRssMib: 100 } });
    addUsage(total, { blob: { cpuMs: 5, maxRssMib: 80 }, gateway: { cpuMs: 1, maxRssMib: 50 } });
    expect(total).toEqual({ blob: { cpuMs: 15, maxRssMib: 100 }, gateway: { cpuMs: 1, maxRssMib: 50 } });
  });
});
