import { readdirSync, readFileSync } from 'node:fs';

/** RSS (KiB) and open descriptors of one process, from /proc; undefined when it is gone. */
export function procUsage(pid: number | undefined): { rssKib: number; fds: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return { rssKib: rss ? Number(rss[1]) : 0, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

export interface Interval {
  /** Seconds since the start of the load at the end of this interval. */
  t: number;
  warmup: boolean;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  /** Per service: RSS in MiB and open fds at the end of the interval. */
  procs: Record<string, { rssMiB: number; fds: number }>;
  loadavg: number;
}

export interface Verdict {
  name: string;
  pass: boolean;
  detail: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The soak's criteria, on the intervals after warm-up split into thirds: memory of each service
 * (median of the last third vs the first) within +10 %; open descriptors of the last third no more
 * than the first third's maximum plus FD_SLACK (keep-alive sockets come and go); no failed request
 * and no wrong read at all; p99 of the last third within 1.5× of the first third's.
 */
export const FD_SLACK = 5;

export function judge(intervals: Interval[], services: string[], readErrors: number): Verdict[] {
  const steady = intervals.filter((i) => !i.warmup);
  if (steady.length < 3) return [{ name: 'enough data', pass: false, detail: `${steady.length} intervals after warm-up; need 3` }];
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = steady.slice(0, third);
  const last = steady.slice(-third);
  const out: Verdict[] = [];
  for (const svc of services) {
    const a = median(first.map((i) => i.procs[svc]?.rssMiB ?? 0));
    const b = median(last.map((i) => i.procs[svc]?.rssMiB ?? 0));
    const growth = a > 0 ? (b - a) / a : Infinity;
    out.push({ name: `${svc} memory flat (≤ +10 %)`, pass: growth <= 0.1, detail: `${a.toFixed(1)} → ${b.toFixed(1)} MiB (${(growth * 100).toFixed(1)} %)` });
    const fa = Math.max(...first.map((i) => i.procs[svc]?.fds ?? 0));
    const fb = Math.max(...last.map((i) => i.procs[svc]?.fds ?? 0));
    out.push({ name: `${svc} no fd growth (≤ +${FD_SLACK})`, pass: fb <= fa + FD_SLACK, detail: `max ${fa} → max ${fb}` });
  }
  const errors = steady.reduce((n, i) => n + i.errors, 0) + intervals.filter((i) => i.warmup).reduce((n, i) => n + i.errors, 0);
  const requests = intervals.reduce((n, i) => n + i.requests, 0);
  out.push({ name: 'error rate 0', pass: errors === 0 && readErrors === 0, detail: `${errors} failed of ${requests} requests; ${readErrors} wrong reads` });
  const pa = median(first.map((i) => i.p99));
  const pb = median(last.map((i) => i.p99));
  out.push({ name: 'p99 stable (≤ 1.5×)', pass: pb <= pa * 1.5, detail: `${pa.toFixed(0)} → ${pb.toFixed(0)} ms` });
  return out;
}

export function renderSoak(o: {
  command: string;
  startedAt: string;
  minutes: number;
  warmupMinutes: number;
  intervals: Interval[];
  services: string[];
  verdicts: Verdict[];
  perOp: string[];
  final: string[];
  background: string[];
  setup: string[];
}): string {
  const pass = o.verdicts.every((v) => v.pass);
  const lines = [
    '# Soak test',
    '',
    `\`${o.command}\`, started ${o.startedAt}: ${o.minutes} min of mixed load, ${o.warmupMinutes} min of it warm-up. **${pass ? 'PASS' : 'FAIL'}**.`,
    '',
    ...o.setup.map((l) => `- ${l}`),
    '',
    '## Verdict',
    '',
    '| criterion | result | measured |',
    '|---|---|---|',
    ...o.verdicts.map((v) => `| ${v.name} | ${v.pass ? 'pass' : '**FAIL**'} | ${v.detail} |`),
    '',
    'Memory compares the median RSS of the first and last third of the intervals after warm-up;',
    `descriptors compare their maxima (slack ${FD_SLACK} for keep-alive sockets); p99 compares the medians of the interval p99s.`,
    '',
    '## Background load',
    '',
    ...o.background.map((l) => `- ${l}`),
    '',
    '## Per interval',
    '',
    `| t (s) | requests | errors | p50 ms | p99 ms | load avg | ${o.services.map((s) => `${s} RSS MiB / fds`).join(' | ')} |`,
    `|---|---|---|---|---|---|${o.services.map(() => '---').join('|')}|`,
    ...o.intervals.map(
      (i) =>
        `| ${i.t}${i.warmup ? ' (warm-up)' : ''} | ${i.requests} | ${i.errors} | ${i.p50.toFixed(1)} | ${i.p99.toFixed(1)} | ${i.loadavg.toFixed(2)} | ${o.services
          .map((s) => (i.procs[s] ? `${i.procs[s]!.rssMiB.toFixed(1)} / ${i.procs[s]!.fds}` : 'gone'))
          .join(' | ')} |`,
    ),
    '',
    '## Per operation (whole run)',
    '',
    '| operation | requests | errors | p50 ms | p99 ms |',
    '|---|---|---|---|---|',
    ...o.perOp,
    '',
    '## After the load',
    '',
    ...o.final.map((l) => `- ${l}`),
    '',
  ];
  return lines.join('\n');
}
