import { parseBenchArgs } from './cli';

describe('parseBenchArgs', () => {
  it('defaults to the full matrix, 10 s cells, both targets, RESULTS.md', () => {
    const o = parseBenchArgs([], {});
    expect(o).toMatchObject({ only: undefined, seconds: 10, targets: ['excloud', 'nginx'], profile: false, out: 'RESULTS.md' });
  });

  it('quick runs never overwrite RESULTS.md unless asked', () => {
    expect(parseBenchArgs(['--only', 'put-4k-c8,get-1m', '--seconds', '2'], {})).toMatchObject({ only: ['put-4k-c8', 'get-1m'], seconds: 2, out: 'RESULTS.partial.md' });
    expect(parseBenchArgs([], { BENCH_SECONDS: '3' })).toMatchObject({ seconds: 3, out: 'RESULTS.partial.md' });
    expect(parseBenchArgs(['--only', 'list', '--out', 'x.md'], {}).out).toBe('x.md');
  });

  it('accepts pnpm’s -- separator and rejects nonsense', () => {
    expect(parseBenchArgs(['--', '--profile'], {}).profile).toBe(true);
    expect(() => parseBenchArgs(['--seconds', 'ten'], {})).toThrow(/--seconds/);
    expect(() => parseBenchArgs(['--target', 'minio'], {})).toThrow(/--target/);
    expect(() => parseBenchArgs(['--bogus'], {})).toThrow();
  });
});
