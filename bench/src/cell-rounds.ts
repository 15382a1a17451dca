import { CellRecorder } from './cell-result';
import type { LoopOutcome } from './closed-loop';
import {
  cellWindowMs,
  counterDeltas,
  finishCell,
  measureSlice,
  prepareOrFail,
  syncData,
  writesData,
  type CellEnv,
  type Counters,
  type MeasuredRun,
  type Probe,
} from './cell-runner';
import type { CellDef } from './matrix';
import type { GroupUsage } from './process-stats';
import type { PreparedCell, TargetState } from './workloads';

export interface RoundMember {
  state: TargetState;
  probe: Probe;
  /** The member's line in the progress display. */
  index: number;
}

interface Accumulated {
  prepared: PreparedCell;
  recorder: CellRecorder;
  outcomes: LoopOutcome[];
  resources: Record<string, GroupUsage>;
  before?: Counters;
  startUs?: number;
  endUs: number;
}

/**
 * One cell on several targets, in rounds: every target is prepared, then each round gives each
 * target an equal slice of the cell's window, and the order turns by one every round. A drift of
 * the machine's speed during the cell (this VM drifts by tens of percent over minutes) and the
 * slowdown of whoever goes first then land on every target alike, instead of on whichever target
 * ran while the machine was slow. Throughput, latencies and CPU add up over a target's slices.
 */
export async function runCellInRounds(def: CellDef, members: RoundMember[], env: CellEnv, rounds: number): Promise<MeasuredRun[]> {
  const windowMs = cellWindowMs(def, env);
  const sliceMs = windowMs / rounds;
  const failed = new Map<RoundMember, MeasuredRun>();
  const acc = new Map<RoundMember, Accumulated>();
  for (const m of members) {
    const prepared = await prepareOrFail(def, m.state, m.index, env);
    if ('summary' in prepared) failed.set(m, prepared);
    else acc.set(m, { prepared, recorder: new CellRecorder(), outcomes: [], resources: {}, endUs: 0 });
  }
  syncData(env);
  const live = members.filter((m) => acc.has(m));
  for (let round = 0; round < rounds; round++) {
    for (const m of rotate(live, round)) {
      const a = acc.get(m)!;
      const slice = await measureSlice(def, m.state, a.prepared, a.recorder, { env, probe: m.probe, index: m.index, windowMs, offsetMs: round * sliceMs, sliceMs });
      a.before ??= slice.before;
      a.startUs ??= slice.window.startUs;
      a.endUs = slice.window.endUs;
      a.outcomes.push(slice.outcome);
      addUsage(a.resources, slice.resources);
      // As between whole cells: one target's write-back must not land in the next one's slice.
      if (writesData(def)) syncData(env);
    }
  }
  const runs: MeasuredRun[] = [];
  for (const m of members) {
    const a = acc.get(m);
    if (!a) {
      runs.push(failed.get(m)!);
      continue;
    }
    const deltas = await counterDeltas(m.probe, a.before ?? {});
    const summary = await finishCell(def, m.state, a.prepared, a.recorder, env, m.index, a.outcomes);
    runs.push({ def, target: m.state.target.name, summary, resources: a.resources, ...deltas, window: { startUs: a.startUs ?? 0, endUs: a.endUs } });
  }
  return runs;
}

/** The list starting at its `by`-th element (mod its length), wrapping around. */
export function rotate<T>(list: T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** CPU adds up over slices; the peak RSS is the largest any slice saw. */
export function addUsage(into: Record<string, GroupUsage>, slice: Record<string, GroupUsage>): void {
  for (const [group, u] of Object.entries(slice)) {
    const seen = into[group];
    into[group] = seen ? { cpuMs: seen.cpuMs + u.cpuMs, maxRssMib: Math.max(seen.maxRssMib, u.maxRssMib) } : { ...u };
  }
}
