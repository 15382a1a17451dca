import { readFileSync } from 'node:fs';

/** Busy and total jiffies of all CPUs together, from /proc/stat (idle and iowait count as idle). */
export function cpuJiffies(stat: string = readFileSync('/proc/stat', 'utf8')): { busy: number; total: number } {
  const fields = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Milliseconds each whole disk has spent doing I/O since boot (/proc/diskstats' io_ticks), by name.
 * Partitions, loop and RAM devices are left out: a partition's time is its disk's.
 */
export function diskIoMs(stats: string = readFileSync('/proc/diskstats', 'utf8')): Map<string, number> {
  const disks = new Map<string, number>();
  for (const line of stats.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const name = fields[2];
    if (!name || !/^(?:(?:sd|vd|xvd|hd)[a-z]+|nvme\d+n\d+|mmcblk\d+)$/.test(name)) continue;
    disks.set(name, Number(fields[12] ?? 0));
  }
  return disks;
}

export interface QuietResult {
  /** Share of the machine's CPU busy over the last sample, 0..1. */
  busy: number;
  /** Share of the last sample the busiest disk spent doing I/O, 0..1. */
  disk: number;
  waitedMs: number;
  quiet: boolean;
}

/**
 * Waits until the machine is quiet, CPU and disks, before a cell starts. Work that a previous cell
 * left behind otherwise lands in the next cell, whoever it measures, and on 2 cores that moved results
 * by a third: a peer's background flush and compaction after its write burst, our janitor (CPU), and
 * write-back or a peer's deferred writes (disk time, which /proc/stat counts as idle: a cell that
 * waits on fsync then runs behind someone else's I/O). Gives up after `maxMs` and says so.
 */
export async function waitForQuiet(
  opts: { threshold?: number; sampleMs?: number; maxMs?: number; sample?: () => { busy: number; total: number }; diskSample?: () => Map<string, number> } = {},
): Promise<QuietResult> {
  const { threshold = 0.1, sampleMs = 500, maxMs = 20_000, sample = cpuJiffies, diskSample = diskIoMs } = opts;
  const start = Date.now();
  let before = sample();
  let disksBefore = diskSample();
  let at = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, sampleMs));
    const after = sample();
    const disksAfter = diskSample();
    const now = Date.now();
    const total = after.total - before.total;
    const busy = total > 0 ? (after.busy - before.busy) / total : 0;
    let disk = 0;
    for (const [name, ms] of disksAfter) disk = Math.max(disk, (ms - (disksBefore.get(name) ?? ms)) / Math.max(1, now - at));
    const waitedMs = now - start;
    if (busy <= threshold && disk <= threshold) return { busy, disk, waitedMs, quiet: true };
    if (waitedMs >= maxMs) return { busy, disk, waitedMs, quiet: false };
    before = after;
    disksBefore = disksAfter;
    at = now;
  }
}
