import { readFileSync } from 'node:fs';

/** Busy and total jiffies of all CPUs together, from /proc/stat (idle and iowait count as idle). */
export function cpuJiffies(stat: string = readFileSync('/proc/stat', 'utf8')): { busy: number; total: number } {
  const fields = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

export interface QuietResult {
  /** Share of the machine's CPU busy over the last sample, 0..1. */
  busy: number;
  waitedMs: number;
  quiet: boolean;
}

/**
 * Waits until the machine is quiet before a cell starts. Work that a previous cell left behind
 * (a peer's background flush and compaction after its write burst, write-back, our janitor) otherwise
 * lands in the next cell, whoever it measures, and on 2 cores that moved results by a third.
 * Gives up after `maxMs` and says so.
 */
export async function waitForQuiet(opts: { threshold?: number; sampleMs?: number; maxMs?: number; sample?: () => { busy: number; total: number } } = {}): Promise<QuietResult> {
  const { threshold = 0.1, sampleMs = 500, maxMs = 20_000, sample = cpuJiffies } = opts;
  const start = Date.now();
  let before = sample();
  for (;;) {
    await new Promise((r) => setTimeout(r, sampleMs));
    const after = sample();
    const total = after.total - before.total;
    const busy = total > 0 ? (after.busy - before.busy) / total : 0;
    const waitedMs = Date.now() - start;
    if (busy <= threshold) return { busy, waitedMs, quiet: true };
    if (waitedMs >= maxMs) return { busy, waitedMs, quiet: false };
    before = after;
  }
}
