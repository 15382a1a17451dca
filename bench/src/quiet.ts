import { spawnSync } from 'node:child_process';
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

/** Page-cache bytes not yet on disk (Dirty + Writeback), from /proc/meminfo. */
export function unwrittenBytes(meminfo: string = readFileSync('/proc/meminfo', 'utf8')): number {
  let kib = 0;
  for (const m of meminfo.matchAll(/^(?:Dirty|Writeback):\s+(\d+) kB$/gm)) kib += Number(m[1]);
  return kib * 1024;
}

/**
 * Writes back what a previous cell left dirty, before the next one starts (untimed). Write-back
 * costs little CPU, so waitForQuiet does not see it, but it fills the disk queue: after nginx's
 * PUT 64 MiB c32 (8 GB in 9 s) our GET 64 MiB c1 that came next read behind it, at 98 MiB/s
 * against 440 MiB/s alone. `sync` flushes every file system, whoever wrote.
 */
export function flushWriteback(opts: { thresholdBytes?: number; unwritten?: () => number; sync?: () => void } = {}): { bytes: number; ms: number } {
  const { thresholdBytes = 64 * 1024 * 1024, unwritten = unwrittenBytes, sync = () => void spawnSync('sync', { stdio: 'ignore' }) } = opts;
  const bytes = unwritten();
  if (bytes <= thresholdBytes) return { bytes: 0, ms: 0 };
  const start = Date.now();
  sync();
  return { bytes, ms: Date.now() - start };
}
