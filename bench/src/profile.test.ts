import { shortenUrl, summarizeProfile, summarizeProfiles, type CpuProfile } from './profile';

// root -> main -> (hot, cold); idle beside them. Sample i happens at startTime + sum(deltas[0..i]).
function profile(): CpuProfile {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('main', 'file:///repo/services/gateway/src/main.ts'), children: [3, 4] },
      { id: 3, callFrame: frame('hot', 'file:///repo/node_modules/.pnpm/express@5.1.0/node_modules/express/lib/router.js') },
      { id: 4, callFrame: frame('', 'file:///repo/services/gateway/src/put.ts') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime: 1_000_000,
    endTime: 1_010_000,
    samples: [3, 3, 4, 5, 3, 2, 5],
    timeDeltas: [1000, 1000, 1000, 2000, 1000, 500, 3000],
  };
}

describe('summarizeProfile', () => {
  it('aggregates self time per function and script, idle apart', () => {
    const s = summarizeProfile(profile(), 10, undefined, '/repo');
    expect(s.idleMs).toBe(5);
    expect(s.busyMs).toBe(4.5);
    expect(s.top[0]).toEqual({ functionName: 'hot', url: 'express/lib/router.js', selfMs: 3 });
    expect(s.top.map((e) => e.functionName)).toEqual(['hot', '(anonymous)', 'main']);
    expect(s.top[1].url).toBe('services/gateway/src/put.ts');
    expect(s.windowed).toBe(false);
  });

  it('keeps only samples inside the window when one is given', () => {
    // Samples at t = +1000, +2000, +3000, +5000, +6000, +6500, +9500 µs.
    const s = summarizeProfile(profile(), 10, { startUs: 1_004_000, endUs: 1_007_000 });
    expect(s.windowed).toBe(true);
    expect(s.busyMs).toBe(1.5); // hot at +6000 (1 ms) and main at +6500 (0.5 ms)
    expect(s.idleMs).toBe(2);
    expect(s.top.map((e) => e.functionName)).toEqual(['hot', 'main']);
  });

  it('falls back to the whole profile when the window misses it', () => {
    const s = summarizeProfile(profile(), 1, { startUs: 1, endUs: 2 });
    expect(s.windowed).toBe(false);
    expect(s.top).toHaveLength(1);
  });

  it('merges profiles of restarts', () => {
    const s = summarizeProfiles([profile(), profile()], 2)!;
    expect(s.busyMs).toBe(9);
    expect(s.top[0].selfMs).toBe(6);
    expect(summarizeProfiles([], 2)).toBeUndefined();
  });
});

describe('shortenUrl', () => {
  it('names packages by their path inside node_modules', () => {
    expect(shortenUrl('node:internal/streams/readable')).toBe('node:internal/streams/readable');
    expect(shortenUrl('file:///a/node_modules/.pnpm/pg@8/node_modules/pg/lib/client.js')).toBe('pg/lib/client.js');
    expect(shortenUrl('file:///work/main/packages/sigv4/src/verify.ts', '/work/main')).toBe('packages/sigv4/src/verify.ts');
  });
});
