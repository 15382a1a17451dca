import { readFileSync } from 'node:fs';

/**
 * CPU time and memory of the processes under test, read from /proc: where the cores went during
 * a cell (CPU ms per operation per service) and how big each process got.
 */
const TICKS_PER_SEC = 100; // USER_HZ; Linux reports 100 on every mainstream architecture

export interface ProcSample {
  cpuMs: number;
  rssKib: number;
  hwmKib: number;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SEC;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cpuMs, rssKib: kib(status, 'VmRSS'), hwmKib: kib(status, 'VmHWM') };
  } catch {
    return undefined;
  }
}

function kib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Process groups by name (a service, nginx's workers, Postgres backends of our database). */
export type PidGroups = Record<string, number[]>;

export interface GroupUsage {
  cpuMs: number;
  /** Largest summed RSS of the group seen while sampling. */
  maxRssMib: number;
}

/** Samples groups of processes during a cell: CPU deltas from start to end, peak RSS by polling. */
export class ResourceSampler {
  private startCpu = new Map<number, number>();
  private lastCpu = new Map<number, number>();
  private maxRss = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private groups: PidGroups = {};
  private selfStart = process.cpuUsage();

  start(groups: PidGroups, intervalMs = 250): void {
    this.groups = groups;
    this.startCpu.clear();
    this.lastCpu.clear();
    this.maxRss.clear();
    this.selfStart = process.cpuUsage();
    for (const pid of Object.values(groups).flat()) {
      const s = readProc(pid);
      if (s) this.startCpu.set(pid, s.cpuMs);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): Record<string, GroupUsage> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const out: Record<string, GroupUsage> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      let cpuMs = 0;
      for (const pid of pids) {
        const end = this.lastCpu.get(pid);
        const start = this.startCpu.get(pid);
        if (end !== undefined && start !== undefined) cpuMs += end - start;
      }
      out[name] = { cpuMs, maxRssMib: (this.maxRss.get(name) ?? 0) / 1024 };
    }
    const self = process.cpuUsage(this.selfStart);
    out.generator = { cpuMs: (self.user + self.system) / 1000, maxRssMib: process.memoryUsage().rss / 1024 / 1024 };
    return out;
  }

  private sample(): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      let rss = 0;
      for (const pid of pids) {
        const s = readProc(pid);
        if (!s) continue;
        rss += s.rssKib;
        this.lastCpu.set(pid, s.cpuMs);
      }
      if (rss > (this.maxRss.get(name) ?? 0)) this.maxRss.set(name, rss);
    }
  }
}
