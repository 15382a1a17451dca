import { spawnSync } from 'node:child_process';
import { CellRecorder, type CellSummary } from './cell-result';
import { runClosedLoop, type LoopOutcome } from './closed-loop';
import { rotate, type CellDef } from './matrix';
import { MIB, type PayloadCache } from './payload';
import { ResourceSampler, type GroupUsage, type PidGroups } from './process-stats';
import type { Progress } from './progress';
import { waitForQuiet, type QuietResult } from './quiet';
import type { CellRun } from './run-record';
import type { TimeWindow } from './profile';
import { prepareCell, type PreparedCell, type TargetState } from './workloads';

/** What the runner can observe about a target besides its answers. */
export interface Probe {
  groups(): Promise<PidGroups>;
  authCalls?(): Promise<number>;
  pgCommits?(): Promise<number>;
}

export interface CellEnv {
  payloads: PayloadCache;
  progress: Progress;
  seconds: number;
  /** Directory to sync after write cells so write-back does not spill into the next cell. */
  syncDir: string;
  /** Waits before each timed slice until the machine is idle (default: waitForQuiet). */
  quiet?: () => Promise<QuietResult>;
}

export type MeasuredRun = CellRun & { window: TimeWindow };

/** Prepares, runs and measures one cell on one target; failures become a failed cell, not a crash. */
export async function runCell(def: CellDef, state: TargetState, index: number, env: CellEnv, probe: Probe): Promise<MeasuredRun> {
  const [run] = await runCellInRounds(def, [{ state, probe, index }], env, 1);
  return run!;
}

function cellWindowMs(def: CellDef, env: CellEnv): number {
  return env.seconds * 1000 * (def.windowFactor ?? 1);
}

/** The cell's untimed preparation; a failure is reported as the failed cell it makes. */
async function prepareOrFail(def: CellDef, state: TargetState, index: number, env: CellEnv): Promise<PreparedCell | MeasuredRun> {
  try {
    return await prepareCell(def, state, { payloads: env.payloads, log: (l) => env.progress.log(l) });
  } catch (err) {
    const recorder = new CellRecorder();
    recorder.failure(err);
    const summary = recorder.summarize(def.id, state.target.name, 0, 'failed', `preparation failed: ${(err as Error).message}`);
    env.progress.done(index, summary, def.title);
    return { def, target: state.target.name, summary, window: { startUs: 0, endUs: 0 } };
  }
}

/** What preparing wrote is on disk before the clock starts (our stack fsyncs; nginx leaves it to write-back). */
function syncData(env: CellEnv): void {
  spawnSync('sync', ['-f', env.syncDir]);
}

interface SliceOptions {
  env: CellEnv;
  probe: Probe;
  index: number;
  /** The whole cell's window, and how much of it earlier slices of this target already ran. */
  windowMs: number;
  offsetMs: number;
  sliceMs: number;
}

interface Slice {
  /** Auth calls and Postgres commits when the slice started. */
  before: Counters;
  outcome: LoopOutcome;
  resources: Record<string, GroupUsage>;
  window: TimeWindow;
}

/** One timed stretch of closed-loop load on one target, after the machine is quiet. */
async function measureSlice(def: CellDef, state: TargetState, prepared: PreparedCell, recorder: CellRecorder, o: SliceOptions): Promise<Slice> {
  const target = state.target.name;
  const quiet = await (o.env.quiet ?? waitForQuiet)();
  if (!quiet.quiet) {
    o.env.progress.log(
      `  the machine was still busy after ${Math.round(quiet.waitedMs / 1000)} s (CPU ${Math.round(quiet.busy * 100)} %, disk ${Math.round(quiet.disk * 100)} %); ${def.id} on ${target} starts anyway`,
    );
  }
  const sampler = new ResourceSampler();
  const before = await counters(o.probe);
  sampler.start(await o.probe.groups());
  const startUs = nowUs();
  const outcome = await runClosedLoop(prepared.step, recorder, {
    concurrency: def.concurrency,
    durationMs: o.sliceMs,
    graceMs: def.size >= 64 * MIB ? 60_000 : 15_000,
    onProgress: (elapsed) => o.env.progress.update(o.index, target, def.title, o.offsetMs + elapsed, o.windowMs, recorder.ops, recorder.errors),
  });
  return { before, outcome, resources: sampler.stop(), window: { startUs, endUs: nowUs() } };
}

/** Summarizes the cell from all its slices, then runs the untimed cleanup. */
async function finishCell(def: CellDef, state: TargetState, prepared: PreparedCell, recorder: CellRecorder, env: CellEnv, index: number, outcomes: LoopOutcome[]): Promise<CellSummary> {
  const seconds = outcomes.reduce((a, o) => a + o.seconds, 0);
  const status = outcomes.find((o) => o.status !== 'ok')?.status ?? 'ok';
  const notes = [...new Set(outcomes.map((o) => o.note).filter((n): n is string => Boolean(n)))];
  const summary = recorder.summarize(def.id, state.target.name, seconds, status, notes.length ? notes.join('; ') : undefined);
  env.progress.done(index, summary, def.title);
  try {
    await prepared.after?.();
  } catch (err) {
    env.progress.log(`  cleanup after ${def.id} failed: ${(err as Error).message}`);
  }
  if (writesData(def)) syncData(env);
  return summary;
}

/** Cells whose writes must be on disk before anything else is measured (nginx leaves them to write-back). */
function writesData(def: CellDef): boolean {
  return def.op === 'put' || def.op === 'multipart' || def.op === 'mixed';
}

interface Counters {
  auth?: number;
  commits?: number;
}

async function counters(probe: Probe): Promise<Counters> {
  const [auth, commits] = await Promise.all([optional(probe.authCalls), optional(probe.pgCommits)]);
  return { auth, commits };
}

/** Auth calls and Postgres commits since `before` (Postgres publishes its counts up to a second late). */
async function counterDeltas(probe: Probe, before: Counters): Promise<Pick<CellRun, 'authCalls' | 'pgCommits'>> {
  if (probe.pgCommits) await new Promise((r) => setTimeout(r, 1100));
  const after = await counters(probe);
  return {
    authCalls: before.auth !== undefined && after.auth !== undefined ? after.auth - before.auth : undefined,
    pgCommits: before.commits !== undefined && after.commits !== undefined ? after.commits - before.commits : undefined,
  };
}

/** Side measurements never fail a cell: a missing number is reported as missing. */
async function optional(read?: () => Promise<number>): Promise<number | undefined> {
  try {
    return await read?.();
  } catch {
    return undefined;
  }
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

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
 * One cell on its targets, in rounds: every target is prepared, then each round gives each
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
  let sliced = 0;
  for (let round = 0; round < rounds; round++) {
    for (const m of rotate(live, round)) {
      const a = acc.get(m)!;
      const slice = await measureSlice(def, m.state, a.prepared, a.recorder, { env, probe: m.probe, index: m.index, windowMs, offsetMs: round * sliceMs, sliceMs });
      a.before ??= slice.before;
      a.startUs ??= slice.window.startUs;
      a.endUs = slice.window.endUs;
      a.outcomes.push(slice.outcome);
      addUsage(a.resources, slice.resources);
      // As between whole cells: one target's write-back must not land in the next one's slice
      // (after the last slice, finishing the cell syncs).
      if (writesData(def) && ++sliced < live.length * rounds) syncData(env);
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

/** CPU adds up over slices; the peak RSS is the largest any slice saw. */
export function addUsage(into: Record<string, GroupUsage>, slice: Record<string, GroupUsage>): void {
  for (const [group, u] of Object.entries(slice)) {
    const seen = into[group];
    into[group] = seen ? { cpuMs: seen.cpuMs + u.cpuMs, maxRssMib: Math.max(seen.maxRssMib, u.maxRssMib) } : { ...u };
  }
}
