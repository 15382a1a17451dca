import { CellRecorder } from './cell-result';
import { MATRIX } from './matrix';
import { renderReport } from './report';
import type { CellRun, RunRecord } from './run-record';

function cell(id: string, target: 'excloud' | 'nginx', opsPerSec: number, bytesPerOp: number, extra: Partial<CellRun> = {}, status?: 'not implemented'): CellRun {
  const def = MATRIX.find((c) => c.id === id)!;
  const rec = new CellRecorder();
  for (let i = 0; i < opsPerSec * 10; i++) rec.success(2000, bytesPerOp);
  return { def, target, summary: rec.summarize(id, target, 10, status ?? 'ok'), ...extra };
}

function record(cells: CellRun[]): RunRecord {
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
  };
}

describe('renderReport', () => {
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
    expect(md).toContain('| LIST c8 | 700 |');
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
});
