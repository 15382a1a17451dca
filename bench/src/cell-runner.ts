import { spawnSync } from 'node:child_process';
import { CellRecorder } from './cell-result';
import { runClosedLoop } from './closed-loop';
import type { CellDef } from './matrix';
import { MIB, type PayloadCache } from './payload';
import { ResourceSampler, type PidGroups } from './process-stats';
import type { Progress } from './progress';
import { waitForQuiet } from './quiet';
import type { CellRun } from './run-record';
import type { TimeWindow } from './profile';
import { prepareCell, type TargetState } from './workloads';

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
}

/** Prepares, runs and measures one cell on one target; failures become a failed cell, not a crash. */
export async function runCell(def: CellDef, state: TargetState, index: number, env: CellEnv, probe: Probe): Promise<CellRun & { window: TimeWindow }> {
  const target = state.target.name;
  const recorder = new CellRecorder();
  const windowMs = env.seconds * 1000 * (def.windowFactor ?? 1);
  let prepared;
  try {
    prepared = await prepareCell(def, state, { payloads: env.payloads, log: (l) => env.progress.log(l) });
  } catch (err) {
    recorder.failure(err);
    const summary = recorder.summarize(def.id, target, 0, 'failed', `preparation failed: ${(err as Error).message}`);
    env.progress.done(index, summary, def.title);
    return { def, target, summary, window: { startUs: 0, endUs: 0 } };
  }
  // What preparing wrote is on disk before the clock starts (our stack fsyncs; nginx leaves it to write-back).
  spawnSync('sync', ['-f', env.syncDir]);
  const quiet = await waitForQuiet();
  if (!quiet.quiet) {
    env.progress.log(
      `  the machine was still busy after ${Math.round(quiet.waitedMs / 1000)} s (CPU ${Math.round(quiet.busy * 100)} %, disk ${Math.round(quiet.disk * 100)} %); ${def.id} on ${target} starts anyway`,
    );
  }
  const sampler = new ResourceSampler();
  const [authBefore, commitsBefore] = await Promise.all([optional(probe.authCalls), optional(probe.pgCommits)]);
  sampler.start(await probe.groups());
  const startUs = nowUs();
  const outcome = await runClosedLoop(prepared.step, recorder, {
    concurrency: def.concurrency,
    durationMs: windowMs,
    graceMs: def.size >= 64 * MIB ? 60_000 : 15_000,
    onProgress: (elapsed) => env.progress.update(index, target, def.title, elapsed, windowMs, recorder.ops, recorder.errors),
  });
  const endUs = nowUs();
  const resources = sampler.stop();
  // Postgres publishes transaction counts up to a second late.
  if (probe.pgCommits) await new Promise((r) => setTimeout(r, 1100));
  const [authAfter, commitsAfter] = await Promise.all([optional(probe.authCalls), optional(probe.pgCommits)]);
  const summary = recorder.summarize(def.id, target, outcome.seconds, outcome.status, outcome.note);
  env.progress.done(index, summary, def.title);
  try {
    await prepared.after?.();
  } catch (err) {
    env.progress.log(`  cleanup after ${def.id} failed: ${(err as Error).message}`);
  }
  if (def.op === 'put' || def.op === 'multipart' || def.op === 'mixed') spawnSync('sync', ['-f', env.syncDir]);
  return {
    def,
    target,
    summary,
    resources,
    authCalls: authBefore !== undefined && authAfter !== undefined ? authAfter - authBefore : undefined,
    pgCommits: commitsBefore !== undefined && commitsAfter !== undefined ? commitsAfter - commitsBefore : undefined,
    window: { startUs, endUs },
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
