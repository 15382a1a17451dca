import { cpuJiffies, diskIoMs, waitForQuiet } from './quiet';

describe('cpuJiffies', () => {
  it('counts idle and iowait as idle, everything else as busy', () => {
    const stat = 'cpu  100 5 50 800 20 0 25 0 0 0\ncpu0 50 2 25 400 10 0 12 0 0 0\n';
    expect(cpuJiffies(stat)).toEqual({ busy: 180, total: 1000 });
  });
});

describe('diskIoMs', () => {
  it('reads io_ticks of whole disks only', () => {
    const stats = [
      ' 254       0 vda 213653 214572 30503882 305721 1584346 819640 147107360 816756 0 424568 1365476 0 0 0 0 0 0',
      ' 254       1 vda1 100 0 0 0 0 0 0 0 0 999 0 0 0 0 0 0 0',
      '   7       0 loop0 1 0 0 0 0 0 0 0 0 555 0 0 0 0 0 0 0',
      ' 259       0 nvme0n1 1 0 0 0 0 0 0 0 0 42 0 0 0 0 0 0 0',
      ' 259       1 nvme0n1p1 1 0 0 0 0 0 0 0 0 41 0 0 0 0 0 0 0',
    ].join('\n');
    expect(diskIoMs(stats)).toEqual(new Map([['vda', 424568], ['nvme0n1', 42]]));
  });
});

describe('waitForQuiet', () => {
  /** Not this machine's disks: whatever they do during the test must not decide it. */
  const idleDisk = () => new Map([['vda', 0]]);
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
    const r = await waitForQuiet({ sampleMs: 1, sample: machine([0.9, 0.5, 0.05]), diskSample: idleDisk });
    expect(r.quiet).toBe(true);
    expect(r.busy).toBeCloseTo(0.05);
  });

  it('waits for the disks as well: an idle CPU behind write-back is not quiet', async () => {
    // Each sample the disk is busy for `ms` more milliseconds: 10x the sample, then nothing.
    const busyMs = [50, 50, 0];
    let i = -1;
    let ioMs = 0;
    const disks = () => {
      if (i >= 0) ioMs += busyMs[Math.min(i, busyMs.length - 1)]!;
      i++;
      return new Map([['vda', ioMs]]);
    };
    const r = await waitForQuiet({ sampleMs: 5, sample: machine([0]), diskSample: disks });
    expect(r.quiet).toBe(true);
    expect(r.disk).toBe(0);
    expect(i).toBe(3);
  });

  it('gives up after maxMs on a machine whose disk stays busy', async () => {
    let ioMs = 0;
    const r = await waitForQuiet({ sampleMs: 5, maxMs: 30, sample: machine([0]), diskSample: () => new Map([['vda', (ioMs += 100)]]) });
    expect(r.quiet).toBe(false);
    expect(r.disk).toBeGreaterThan(1);
  });

  it('gives up after maxMs on a machine that stays busy, and says so', async () => {
    const r = await waitForQuiet({ sampleMs: 5, maxMs: 30, sample: machine([0.8]), diskSample: idleDisk });
    expect(r.quiet).toBe(false);
    expect(r.busy).toBeCloseTo(0.8);
    expect(r.waitedMs).toBeGreaterThanOrEqual(30);
  });
});
