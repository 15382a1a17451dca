import { ratio, type CellSummary, type TargetName } from './cell-result';
import { MATRIX } from './matrix';
import { MIB } from './payload';
import type { CellRun, RunRecord } from './run-record';

/**
 * The issue-9 parts of RESULTS.md: every cell side by side (ours in each topology, Ceph RGW,
 * nginx), the issue-9 targets, and CPU per operation before/after against a baseline run.
 */
export const RGW_MIN = 1.0;
export const RGW_STRETCH = 1.5;
export const CPU_PUT_4K_MAX_MS = 1.3;
export const CPU_PER_MIB_MAX_MS = 3;
/** Cells whose CPU per MiB moved is judged (c8: the issue's default concurrency). */
const PER_MIB_CELLS = ['put-1m-c8', 'get-1m-c8', 'put-64m-c8', 'get-64m-c8'];
/** Process groups that are not our stack (or are the load generator). */
const NOT_OURS = new Set(['generator', 'nginx', 'radosgw', 'ceph-osd', 'ceph-mon']);

export const OUR_TARGETS: Array<{ target: TargetName; label: string }> = [
  { target: 'excloud', label: 'production' },
  { target: 'local', label: 'local mode' },
];

export function findRun(r: RunRecord, cell: string, target: TargetName): CellRun | undefined {
  return r.cells.find((c) => c.def.id === cell && c.target === target);
}

function oursPresent(r: RunRecord): Array<{ target: TargetName; label: string }> {
  return OUR_TARGETS.filter((o) => r.cells.some((c) => c.target === o.target));
}

/** Why RGW has no numbers in this run, or undefined when it has some. */
export function rgwMissing(r: RunRecord): string | undefined {
  if (r.cells.some((c) => c.target === 'rgw' && c.summary.status !== 'n/a')) return undefined;
  if (r.missing?.rgw) return r.missing.rgw;
  // Records without `topologies` were written before the bench could run RGW.
  return r.topologies ? 'RGW was not asked for (`--target` without `rgw`)' : 'this run was made before the bench measured RGW';
}

export function sideBySideSection(r: RunRecord): string[] {
  const ours = oursPresent(r);
  const rows: string[] = [];
  for (const def of MATRIX) {
    if (!r.cells.some((c) => c.def.id === def.id)) continue;
    const rgw = findRun(r, def.id, 'rgw')?.summary;
    const nginx = findRun(r, def.compareTo ?? def.id, 'nginx')?.summary;
    const cols = [...ours.map((o) => rate(findRun(r, def.id, o.target)?.summary)), rate(rgw), def.nginx ? rate(findRun(r, def.id, 'nginx')?.summary) : 'n/a'];
    for (const o of ours) cols.push(fmtRatio(ratio(findRun(r, def.id, o.target)?.summary, rgw)));
    for (const o of ours) cols.push(fmtRatio(ratio(findRun(r, def.id, o.target)?.summary, nginx)) + (def.compareTo && nginx ? ` (vs ${def.compareTo})` : ''));
    rows.push(`| ${def.title} | ${cols.join(' | ')} |`);
  }
  const missing = rgwMissing(r);
  const head = [...ours.map((o) => `ours (${o.label})`), 'Ceph RGW', 'nginx', ...ours.map((o) => `${o.label} / RGW`), ...ours.map((o) => `${o.label} / nginx`)];
  return [
    '## Side by side: ours, Ceph RGW, nginx',
    '',
    'Throughput per cell (MiB/s for sized cells, ops/s otherwise; LIST counts pages of 100 keys, multipart whole 64 MiB uploads), measured in the same run, cell by cell in this order. Ratios are ours / theirs.',
    '',
    ...(missing ? [`**The RGW column is missing:** ${missing}.`, ''] : []),
    `| cell | ${head.join(' | ')} |`,
    `|---|${head.map(() => '--:').join('|')}|`,
    ...rows,
  ];
}

export function issue9TargetsSection(r: RunRecord): string[] {
  const ours = oursPresent(r);
  const out = ['## Targets (issue 9)', ''];
  const missing = rgwMissing(r);
  const rgwRows: string[] = [];
  const tally = ours.map(() => ({ met: 0, stretch: 0, judged: 0 }));
  for (const def of MATRIX) {
    const rgw = findRun(r, def.id, 'rgw')?.summary;
    if (!rgw && !ours.some((o) => findRun(r, def.id, o.target))) continue;
    const cols = ours.map((o, i) => {
      const q = ratio(findRun(r, def.id, o.target)?.summary, rgw);
      if (q === undefined) return '– | –';
      tally[i].judged++;
      if (q >= RGW_MIN) tally[i].met++;
      if (q >= RGW_STRETCH) tally[i].stretch++;
      return `${q.toFixed(2)} | ${q >= RGW_STRETCH ? 'met (stretch met)' : q >= RGW_MIN ? 'met' : `**not met** (${(q * 100).toFixed(0)}% of RGW)`}`;
    });
    rgwRows.push(`| ${def.title} | ${cols.join(' | ')} |`);
  }
  out.push(`### Every cell ≥ ${RGW_MIN.toFixed(1)}× Ceph RGW (stretch ≥ ${RGW_STRETCH.toFixed(1)}×)`, '');
  if (missing) out.push(`Not judged: the RGW column is missing (${missing}).`, '');
  else {
    const summary = ours.map((o, i) => `${o.label}: ${verdictOfAll(tally[i])}`).join('; ');
    out.push(`Overall — ${summary || 'no cell of ours measured'}.`, '');
    out.push(`| cell | ${ours.map((o) => `${o.label} / RGW | verdict`).join(' | ')} |`, `|---|${ours.map(() => '--:|---').join('|')}|`, ...rgwRows, '');
  }
  out.push('### CPU budget (all our processes + Postgres backends, from /proc)', '');
  out.push(`| target | ${ours.map((o) => o.label).join(' | ')} |`, `|---|${ours.map(() => '---').join('|')}|`);
  out.push(
    `| CPU per 4 KiB PUT (PUT 4 KiB c8) ≤ ${CPU_PUT_4K_MAX_MS} ms | ${ours.map((o) => cpuVerdict(findRun(r, 'put-4k-c8', o.target), CPU_PUT_4K_MAX_MS, 'ms')).join(' | ')} |`,
  );
  for (const id of PER_MIB_CELLS) {
    const title = MATRIX.find((d) => d.id === id)!.title;
    out.push(`| CPU per MiB moved, ${title} ≤ ${CPU_PER_MIB_MAX_MS} ms | ${ours.map((o) => cpuVerdict(findRun(r, id, o.target), CPU_PER_MIB_MAX_MS, 'ms/MiB')).join(' | ')} |`);
  }
  out.push('', 'The issue-5 ratios to nginx, still the long-term goal, are judged in the next section.');
  return out;
}

function verdictOfAll(t: { met: number; stretch: number; judged: number }): string {
  if (t.judged === 0) return 'no cell judged';
  if (t.met < t.judged) return `**not met** (${t.met} of ${t.judged} cells ≥ ${RGW_MIN.toFixed(1)}×)`;
  return t.stretch === t.judged ? `met, stretch met (all ${t.judged} cells)` : `met (${t.judged} cells; ${t.stretch} ≥ ${RGW_STRETCH}×)`;
}

/** Server CPU of our stack per operation, or per MiB when the unit asks for it. */
export function ourCpuPerOp(run: CellRun): number | undefined {
  if (!run.resources || run.summary.ops === 0 || run.summary.status !== 'ok') return undefined;
  const ms = Object.entries(run.resources).filter(([g]) => !NOT_OURS.has(g)).reduce((a, [, u]) => a + u.cpuMs, 0);
  return ms / run.summary.ops;
}

function cpuVerdict(run: CellRun | undefined, max: number, unit: 'ms' | 'ms/MiB'): string {
  const perOp = run && ourCpuPerOp(run);
  if (perOp === undefined) return run ? `${run.summary.status}` : 'not run';
  const v = unit === 'ms' ? perOp : perOp / (run!.def.size / MIB);
  return `${v.toFixed(2)} ${unit} — ${v <= max ? 'met' : `**not met** (${(v / max).toFixed(1)}× the budget)`}`;
}

const BEFORE_AFTER_GROUPS = ['gateway', 'auth', 'metadata', 'blob', 'janitor', 'postgres'];

/** Per service CPU per operation: the baseline run's (before) → this run's (after), production topology. */
export function beforeAfterSection(r: RunRecord): string[] {
  const b = r.baseline;
  if (!b) return [];
  const rows: string[] = [];
  for (const def of MATRIX) {
    const before = b.cells.find((c) => c.cell === def.id && c.target === 'excloud');
    const after = findRun(r, def.id, 'excloud');
    if (!before || !after?.resources || after.summary.ops === 0) continue;
    const now = (g: string) => (after.resources![g] ? after.resources![g].cpuMs / after.summary.ops : undefined);
    const cols = BEFORE_AFTER_GROUPS.map((g) => arrow(before.cpuMsPerOp[g], now(g)));
    const total = (get: (g: string) => number | undefined) => BEFORE_AFTER_GROUPS.reduce((a, g) => a + (get(g) ?? 0), 0);
    const tb = total((g) => before.cpuMsPerOp[g]);
    const ta = total(now);
    rows.push(`| ${def.title} | ${cols.join(' | ')} | ${arrow(tb, ta)} | ${ta > 0 ? `${(tb / ta).toFixed(1)}×` : '–'} |`);
  }
  return [
    '## CPU per operation per service, before → after (production topology)',
    '',
    `ms of CPU per operation from /proc. Before: \`${b.file}\` (\`${b.command}\`, ${b.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${b.commit}, ${b.node}). After: this run. "less" is before / after.`,
    '',
    ...(b.cpu && b.cpu !== r.machine.cpu
      ? [`**Different machines:** before ran on ${b.cpu}, this run on ${r.machine.cpu}; CPU per operation differs between them by itself, so read "less" as indicative only.`, '']
      : []),
    ...(rows.length
      ? [`| cell | ${BEFORE_AFTER_GROUPS.join(' | ')} | total | less |`, `|---|${BEFORE_AFTER_GROUPS.map(() => '--:').join('|')}|--:|--:|`, ...rows]
      : ['No cell was measured in both runs.']),
  ];
}

function arrow(before: number | undefined, after: number | undefined): string {
  const f = (v: number | undefined) => (v === undefined ? '–' : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  return `${f(before)} → ${f(after)}`;
}

function rate(s: CellSummary | undefined): string {
  if (!s) return 'not run';
  if (s.status === 'not implemented' || s.status === 'n/a') return s.status;
  const failed = s.status === 'failed' ? ' (failed)' : '';
  if (s.mibPerSec > 0 && s.bytes / Math.max(1, s.ops) >= MIB) return `${s.mibPerSec.toFixed(1)} MiB/s${failed}`;
  return `${fmt(s.opsPerSec)} /s${failed}`;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function fmtRatio(q: number | undefined): string {
  return q === undefined ? '–' : q < 0.1 ? q.toFixed(3) : q.toFixed(2);
}
