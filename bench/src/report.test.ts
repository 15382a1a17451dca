import { CellRecorder, type TargetName } from './cell-result';
import { MATRIX } from './matrix';
import { baselineOf } from './baseline';
import path from 'node:path';
import { userPath } from './render';
import { renderReport } from './report';
import type { Baseline, CellRun, RunRecord } from './run-record';

function cell(id: string, target: TargetName, opsPerSec: number, bytesPerOp: number, extra: Partial<CellRun> = {}, status?: 'not implemented' | 'n/a'): CellRun {
  const def = MATRIX.find((c) => c.id === id)!;
  const rec = new CellRecorder();
  for (let i = 0; i < opsPerSec * 10; i++) rec.success(2000, bytesPerOp);
  return { def, target, summary: rec.summarize(id, target, 10, status ?? 'ok'), ...extra };
}

function record(cells: CellRun[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:12:00Z'),
    command: 'pnpm bench',
    seconds: 10,
    signedPayload: false,
    machine: { cpu: 'Test CPU', cores: 2, memory: '4 GiB', disk: '/dev/x', kernel: 'Linux' },
    versions: { node: 'v20', postgres: '15', redis: '7', nginx: 'nginx/1.22', commit: 'abc' },
    cells,
    peakRssMib: { gateway: 120, blob: 150 },
    authCacheTtlMs: 10_000,
    notes: [],
    ...extra,
  };
}

describe('renderReport', () => {
  it('says how the targets took turns: rounds when the cells ran in rounds, one go otherwise', () => {
    const cells = [cell('get-4k-c1', 'excloud', 400, 4096), cell('get-4k-c1', 'rgw', 600, 4096)];
    expect(renderReport(record(cells, { rounds: 3 }))).toContain('Cells of objects up to 1 MiB ran in 3 rounds: each target ran 1/3 of the window per round');
    const once = renderReport(record(cells));
    expect(once).toContain('Each target ran its whole window in one go.');
    expect(once).not.toContain('rounds:');
  });

  it('judges each target ratio against nginx in the same run', () => {
    const md = renderReport(
      record([
        cell('put-4k-c8', 'excloud', 300, 4096),
        cell('put-4k-c8', 'nginx', 1000, 4096),
        cell('get-4k-c8', 'excloud', 100, 4096),
        cell('get-4k-c8', 'nginx', 1000, 4096),
        cell('multipart-64m-c4', 'excloud', 0, 0, {}, 'not implemented'),
        cell('list-c8', 'excloud', 700, 0),
      ]),
    );
    expect(md).toMatch(/\| PUT 4 KiB \| ≥ 0\.15 \| 0\.30 .*\| met \|/);
    expect(md).toMatch(/\| GET 4 KiB \| ≥ 0\.15 \| 0\.10 .*\*\*not met\*\* \(67% of target\)/);
    expect(md).toMatch(/multipart PUT 64 MiB .*\| not implemented \|/);
    expect(md).toMatch(/ListObjectsV2 .*\| 700 pages\/s \| met \|/);
    expect(md).toContain('| LIST c8 | ours (production) | – | 700 |');
    expect(md).toMatch(/\| HEAD 4 KiB \| ≥ 0\.12 \| not run \|/);
  });

  it('tells a refresh stampede from per-request auth calls', () => {
    const stampede = renderReport(record([cell('get-4k-c8', 'excloud', 100, 4096, { authCalls: 8 })]));
    expect(stampede).toContain('**not met** (refresh stampede)');
    const quiet = renderReport(record([cell('get-4k-c8', 'excloud', 100, 4096, { authCalls: 1 })]));
    expect(quiet).toMatch(/Steady-state requests that call auth .*\| met \|/);
    const chatty = renderReport(record([cell('get-4k-c8', 'excloud', 100, 4096, { authCalls: 500 })]));
    expect(chatty).toMatch(/Steady-state requests that call auth .*\| \*\*not met\*\* \|$/m);
  });

  it('flags a service above the RSS limit during 64 MiB c32', () => {
    const big = cell('get-64m-c32', 'excloud', 1, 64 * 1024 * 1024, { resources: { gateway: { cpuMs: 1, maxRssMib: 420 }, blob: { cpuMs: 1, maxRssMib: 100 } } });
    expect(renderReport(record([big]))).toMatch(/gateway 420 MiB \(largest\) \| \*\*not met\*\* \(\+120 MiB\)/);
  });

  describe('Ceph RGW beside us', () => {
    const cpu = (ours: Record<string, number>) => ({ resources: Object.fromEntries(Object.entries(ours).map(([g, ms]) => [g, { cpuMs: ms, maxRssMib: 50 }])) });

    it('gives RGW a column, ours/RGW ratios and a verdict per cell', () => {
      const md = renderReport(
        record(
          [
            cell('put-4k-c8', 'excloud', 300, 4096),
            cell('put-4k-c8', 'rgw', 600, 4096, { position: 1 }),
            cell('put-4k-c8', 'nginx', 1000, 4096),
            cell('get-4k-c8', 'excloud', 320, 4096),
            cell('get-4k-c8', 'rgw', 200, 4096),
          ],
          { versions: { node: 'v20', postgres: '15', redis: '7', nginx: 'nginx/1.22', rgw: 'Ceph 16.2.15', commit: 'abc' } },
        ),
      );
      expect(md).toContain('| cell | ours (production) | Ceph RGW | nginx | production / RGW | production / nginx |');
      expect(md).toContain('| PUT 4 KiB c8 | 300 /s | 600 /s | 1,000 /s | 0.50 | 0.30 |');
      expect(md).toMatch(/\| PUT 4 KiB c8 \| 0\.50 \| \*\*not met\*\* \(50% of RGW\) \|/);
      expect(md).toMatch(/\| GET 4 KiB c8 \| 1\.60 \| met \(stretch met\) \|/);
      expect(md).toContain('production: **not met** (1 of 2 cells ≥ 1.0×)');
      expect(md).toContain('| Ceph RGW | Ceph 16.2.15 |');
      expect(md).toContain('| PUT 4 KiB c8 | Ceph RGW | 1 | 600 |');
      expect(md).not.toContain('RGW column is missing');
    });

    it('says the RGW column is missing, and why, when RGW could not run', () => {
      const md = renderReport(
        record([cell('put-4k-c8', 'excloud', 300, 4096), cell('put-4k-c8', 'rgw', 0, 0, {}, 'n/a')], { missing: { rgw: 'radosgw not installed' } }),
      );
      expect(md).toContain('**The RGW column is missing:** radosgw not installed.');
      expect(md).toContain('Not judged: the RGW column is missing (radosgw not installed).');
      expect(md).toContain('| Ceph RGW | not measured: radosgw not installed |');
      expect(md).toContain('| PUT 4 KiB c8 | 300 /s | n/a |');
    });

    it('judges CPU per 4 KiB PUT and per MiB over all our processes and Postgres, not the generator or peers', () => {
      const put = cell('put-4k-c8', 'excloud', 100, 4096, cpu({ gateway: 500, metadata: 300, blob: 300, postgres: 100, generator: 5000 }));
      const local = cell('put-4k-c8', 'local', 100, 4096, cpu({ local: 1000, postgres: 200 }));
      const big = cell('get-1m-c8', 'excloud', 10, 1024 * 1024, cpu({ gateway: 200, blob: 200, ceph: 0, radosgw: 9999 }));
      const md = renderReport(record([put, local, big]));
      // 1200 ms over 1000 PUTs; local 1200 ms too; 400 ms over 100 MiB.
      expect(md).toMatch(/\| CPU per 4 KiB PUT \(PUT 4 KiB c8\) ≤ 1\.3 ms \| 1\.20 ms — met \| 1\.20 ms — met \|/);
      expect(md).toMatch(/\| CPU per MiB moved, GET 1 MiB c8 ≤ 3 ms \| 4\.00 ms\/MiB — \*\*not met\*\* \(1\.3× the budget\) \| not run \|/);
      expect(md).toContain('| PUT 4 KiB (local mode) | ≥ 0.15 |');
    });
  });

  describe('before/after CPU per service', () => {
    const withCpu = cell('put-4k-c8', 'excloud', 100, 4096, { resources: { gateway: { cpuMs: 1000, maxRssMib: 1 }, metadata: { cpuMs: 500, maxRssMib: 1 }, postgres: { cpuMs: 500, maxRssMib: 1 } } });
    const baseline: Baseline = {
      file: 'BASELINE-2026-11-25.json',
      startedAt: '2025-11-25T07:15:38.426Z',
      command: 'pnpm bench --profile',
      commit: '67f8b17',
      node: 'node --import tsx on v20.20.2',
      cells: [
        { cell: 'put-4k-c8', target: 'excloud' as const, cpuMsPerOp: { gateway: 2.01, metadata: 1.56, blob: 2.24, postgres: 0.53, generator: 1 } },
        { cell: 'head-4k-c8', target: 'excloud' as const, cpuMsPerOp: { gateway: 0.79 } },
      ],
    };

    it('renders before → after per service for the cells both runs measured', () => {
      const md = renderReport(record([withCpu], { baseline }));
      expect(md).toContain('## CPU per operation per service, before → after (production topology)');
      expect(md).toContain('| cell | gateway | auth | metadata | blob | janitor | postgres | total | less |');
      expect(md).toContain('| PUT 4 KiB c8 | 2.01 → 1.00 | – → – | 1.56 → 0.50 | 2.24 → – | – → – | 0.53 → 0.50 | 6.34 → 2.00 | 3.2× |');
      expect(md).not.toMatch(/\| HEAD 4 KiB c8 \| 0\.79/);
    });

    it('says so when the baseline ran on another kind of machine, and only then', () => {
      expect(renderReport(record([withCpu], { baseline: { ...baseline, cpu: 'Other CPU' } }))).toContain('**Different machines:** before ran on Other CPU, this run on Test CPU');
      expect(renderReport(record([withCpu], { baseline: { ...baseline, cpu: 'Test CPU' } }))).not.toContain('Different machines');
      expect(renderReport(record([withCpu], { baseline }))).not.toContain('Different machines');
    });

    it('has no before/after section without a baseline', () => {
      expect(renderReport(record([withCpu]))).not.toContain('before → after');
    });

    it('a saved RESULTS.json becomes a baseline of CPU per operation', () => {
      const b = baselineOf(record([withCpu, cell('put-4k-c8', 'nginx', 100, 4096)]), 'x.json');
      expect(b.cells).toEqual([{ cell: 'put-4k-c8', target: 'excloud', cpuMsPerOp: { gateway: 1, metadata: 0.5, postgres: 0.5 } }]);
      expect(b.node).toBe('node --import tsx on v20');
      expect(b.cpu).toBe('Test CPU');
    });
  });
});

describe('what limits the cells below RGW', () => {
  const withCpu = (id: string, target: TargetName, ops: number, resources: Record<string, number>) =>
    cell(id, target, ops, 4096, { resources: Object.fromEntries(Object.entries(resources).map(([g, ms]) => [g, { cpuMs: ms, maxRssMib: 1 }])) });

  it('names the process that spends most, whether the cell is CPU-bound, and the profile’s top functions', () => {
    // 1600 PUTs, 16 s of server CPU over 2 cores: 10 ms/op, ceiling 200 ops/s, reached 160.
    const put = withCpu('put-4k-c8', 'excloud', 160, { gateway: 3200, blob: 9600, postgres: 3200, generator: 9000 });
    // 1000 GETs, 1 s: 1 ms/op, ceiling 2000, reached 100: waiting, not CPU.
    const get = withCpu('get-4k-c8', 'excloud', 100, { gateway: 500, blob: 500 });
    const profile = [
      {
        cell: 'put-4k-c8',
        title: 'PUT 4 KiB c8',
        ops: 1000,
        seconds: 10,
        cpuMsPerOp: {},
        services: { blob: { busyMs: 1000, idleMs: 0, windowed: true, top: [{ functionName: 'fsync', url: '', selfMs: 310 }, { functionName: 'createCipheriv', url: '', selfMs: 60 }] } },
      },
    ];
    const md = renderReport(record([put, withCpu('put-4k-c8', 'rgw', 640, {}), get, withCpu('get-4k-c8', 'rgw', 1000, {})], { profile, note: 'PUT 4 KiB waits on fsync.' }));
    expect(md).toMatch(/\| PUT 4 KiB c8 \| production \| 0\.25 \| CPU-bound: 10\.00 ms CPU\/op → ceiling 200 ops\/s, reached 160; most in blob \(6\.00 ms\/op, 60%\); its profile: `fsync` 31%, `createCipheriv` 6% \|/);
    expect(md).toMatch(/\| GET 4 KiB c8 \| production \| 0\.10 \| not CPU-bound .*most in gateway/);
    expect(md).toContain('PUT 4 KiB waits on fsync.');
  });

  it('says so when every cell is at or above RGW, or when RGW is missing', () => {
    expect(renderReport(record([cell('put-4k-c8', 'excloud', 500, 4096), cell('put-4k-c8', 'rgw', 400, 4096)]))).toContain('Every cell measured against RGW is at or above it.');
    expect(renderReport(record([cell('put-4k-c8', 'excloud', 500, 4096)]))).toContain('Nothing to judge without the RGW column.');
  });
});

describe('userPath', () => {
  it('finds a file relative to where pnpm was started when it is not relative to bench/', () => {
    expect(userPath(__filename, {})).toBe(__filename);
    expect(userPath('src/report.test.ts', { INIT_CWD: path.resolve(__dirname, '..') })).toBe(__filename);
    expect(userPath('nope.json', {})).toBe(path.resolve('nope.json'));
  });
});
