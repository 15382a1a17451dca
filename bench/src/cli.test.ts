import { parseBenchArgs } from './cli';

describe('parseBenchArgs', () => {
  it('defaults to the full matrix, 10 s cells, every target, both topologies, Node 24, RESULTS.md', () => {
    const o = parseBenchArgs([], {});
    expect(o).toMatchObject({ only: undefined, seconds: 10, targets: ['excloud', 'rgw', 'nginx'], topologies: ['production', 'local'], runtime: 'node24', profile: false, out: 'RESULTS.md' });
    expect(o.baseline).toBeUndefined();
  });

  it('takes a comma list of targets and runs them in the order ours, RGW, nginx', () => {
    expect(parseBenchArgs(['--target', 'nginx,rgw'], {}).targets).toEqual(['rgw', 'nginx']);
    expect(parseBenchArgs(['--target', 'excloud,rgw,nginx'], {}).targets).toEqual(['excloud', 'rgw', 'nginx']);
    expect(parseBenchArgs(['--target', 'rgw'], {}).out).toBe('RESULTS.partial.md');
    expect(() => parseBenchArgs(['--target', 'excloud,minio'], {})).toThrow(/--target .*minio/);
    expect(() => parseBenchArgs(['--target', ','], {})).toThrow(/--target/);
  });

  it('chooses the topologies, the production runtime and a baseline', () => {
    expect(parseBenchArgs(['--topology', 'local'], {}).topologies).toEqual(['local']);
    expect(parseBenchArgs(['--topology', 'production'], {}).topologies).toEqual(['production']);
    expect(parseBenchArgs(['--topology', 'both'], {}).topologies).toEqual(['production', 'local']);
    expect(parseBenchArgs(['--runtime', 'node20-tsx'], {})).toMatchObject({ runtime: 'node20-tsx', out: 'RESULTS.partial.md' });
    expect(parseBenchArgs(['--baseline', 'BASELINE-2026-11-25.json'], {})).toMatchObject({ baseline: 'BASELINE-2026-11-25.json', out: 'RESULTS.md' });
    expect(() => parseBenchArgs(['--topology', 'cluster'], {})).toThrow(/--topology/);
    expect(() => parseBenchArgs(['--runtime', 'bun'], {})).toThrow(/--runtime/);
  });

  it('quick runs never overwrite RESULTS.md unless asked', () => {
    expect(parseBenchArgs(['--only', 'put-4k-c8,get-1m', '--seconds', '2'], {})).toMatchObject({ only: ['put-4k-c8', 'get-1m'], seconds: 2, out: 'RESULTS.partial.md' });
    expect(parseBenchArgs([], { BENCH_SECONDS: '3' })).toMatchObject({ seconds: 3, out: 'RESULTS.partial.md' });
    expect(parseBenchArgs(['--only', 'list', '--out', 'x.md'], {}).out).toBe('x.md');
  });

  it('runs small-object cells in 3 rounds unless told otherwise', () => {
    expect(parseBenchArgs([], {}).rounds).toBe(3);
    expect(parseBenchArgs(['--rounds', '1'], {})).toMatchObject({ rounds: 1, out: 'RESULTS.partial.md' });
    for (const bad of ['0', '2.5', 'many', '11']) expect(() => parseBenchArgs(['--rounds', bad], {})).toThrow(/--rounds/);
  });

  it('accepts pnpm’s -- separator and rejects nonsense', () => {
    expect(parseBenchArgs(['--', '--profile'], {}).profile).toBe(true);
    expect(() => parseBenchArgs(['--seconds', 'ten'], {})).toThrow(/--seconds/);
    expect(() => parseBenchArgs(['--target', 'minio'], {})).toThrow(/--target/);
    expect(() => parseBenchArgs(['--bogus'], {})).toThrow();
  });
});
