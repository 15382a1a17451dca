import { ratio } from './cell-result';
import { MATRIX } from './matrix';
import { OUR_TARGETS, RGW_MIN, findRun } from './report-compare';
import type { CellRun, RunRecord } from './run-record';

/** Process groups that are not one of our services (or are the load generator). */
const NOT_A_SERVICE = new Set(['generator', 'nginx', 'radosgw', 'ceph-osd', 'ceph-mon']);
/** A cell that reaches this share of its CPU-bound ceiling is limited by CPU. */
const CPU_BOUND_SHARE = 0.7;

/**
 * For every cell of ours still below RGW: whether it is CPU-bound, which process spends most of
 * the CPU, and (for profiled cells) the functions that spend it. The evidence the issue asks the
 * note to name; the coordinator's own words go in `--note`.
 */
export function limitsSection(r: RunRecord): string[] {
  const rows: string[] = [];
  for (const o of OUR_TARGETS) {
    for (const def of MATRIX) {
      const ours = findRun(r, def.id, o.target);
      const q = ratio(ours?.summary, findRun(r, def.id, 'rgw')?.summary);
      if (!ours || q === undefined || q >= RGW_MIN) continue;
      rows.push(`| ${def.title} | ${o.label} | ${q.toFixed(2)} | ${limitOf(r, ours).replace(/\|/g, '\\|')} |`);
    }
  }
  const out = ['## What limits the cells still below RGW', ''];
  if (rows.length === 0) {
    out.push(r.cells.some((c) => c.target === 'rgw' && c.summary.status === 'ok') ? 'Every cell measured against RGW is at or above it.' : 'Nothing to judge without the RGW column.');
  } else {
    out.push(
      `From /proc: server CPU per operation (our processes and Postgres), the ops/s that would use all ${r.machine.cores} cores at that cost (CPU-bound when the cell reached ${CPU_BOUND_SHARE * 100}% of it), the process spending most and, for profiled cells, its top functions by self time (see the profile section).`,
      '',
      '| cell | topology | ours / RGW | limit |',
      '|---|---|--:|---|',
      ...rows,
    );
  }
  if (r.note) out.push('', r.note.trim());
  return out;
}

function limitOf(r: RunRecord, run: CellRun): string {
  const ops = run.summary.ops;
  if (!run.resources || ops === 0) return 'no CPU figures';
  const groups = Object.entries(run.resources).filter(([g]) => !NOT_A_SERVICE.has(g));
  const total = groups.reduce((a, [, u]) => a + u.cpuMs, 0) / ops;
  if (total <= 0) return 'no CPU figures';
  const ceiling = (r.machine.cores * 1000) / total;
  const [name, usage] = groups.reduce((a, b) => (b[1].cpuMs > a[1].cpuMs ? b : a));
  const share = ((usage.cpuMs / ops / total) * 100).toFixed(0);
  const bound = run.summary.opsPerSec >= CPU_BOUND_SHARE * ceiling ? 'CPU-bound' : 'not CPU-bound (waits: disk, locks or latency)';
  let text = `${bound}: ${total.toFixed(2)} ms CPU/op → ceiling ${Math.round(ceiling)} ops/s, reached ${Math.round(run.summary.opsPerSec)}; most in ${name} (${(usage.cpuMs / ops).toFixed(2)} ms/op, ${share}%)`;
  const profiled = r.profile?.find((p) => p.cell === run.def.id)?.services[name];
  if (run.target === 'excloud' && profiled?.top.length) {
    text += `; its profile: ${profiled.top.slice(0, 3).map((e) => `\`${e.functionName || '(anonymous)'}\` ${((e.selfMs / Math.max(1, profiled.busyMs)) * 100).toFixed(0)}%`).join(', ')}`;
  }
  return text;
}
