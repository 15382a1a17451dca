import { cpuJiffies, waitForQuiet } from './quiet';

describe('cpuJiffies', () => {
  it('counts idle and iowait as idle, everything else as busy', () => {
    const stat = 'cpu  100 5 50 800 20 0 25 0 0 0\ncpu0 50 2 25 400 10 0 12 0 0 0\n';
    expect(cpuJiffies(stat)).toEqual({ busy: 180, total: 1000 });
  });
});

describe('waitForQuiet', () => {
  /** A machine whose busy share per sample follows `shares`, then stays at the last one. */
  function machine(shares: number[]): () => { busy: number; total: number } {
    let busy = 0;
    let total = 0;
    let i = -1;
    return () => {
      if (i >= 0) {
        busy += 100 * shares[Math.min(i, shares.length - 1)]!;
        total += 100;
      }
      i++;
      return { busy, total };
    };
  }

  it('returns once a sample is under the threshold', async () => {
    const r = await waitForQuiet({ sampleMs: 1, sample: machine([0.9, 0.5, 0.05]) });
    expect(r.quiet).toBe(true);
    expect(r.busy).toBeCloseTo(0.05);
  });

  it('gives up after maxMs on a machine that stays busy, and says so', async () => {
    const r = await waitForQuiet({ sampleMs: 5, maxMs: 30, sample: machine([0.8]) });
    expect(r.quiet).toBe(false);
    expect(r.busy).toBeCloseTo(0.8);
    expect(r.waitedMs).toBeGreaterThanOrEqual(30);
  });
});
