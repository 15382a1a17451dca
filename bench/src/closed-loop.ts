import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { CellRecorder, CellStatus } from './cell-result';
import { NotImplementedError } from './targets/target';

/**
 * Closed-loop load: N workers, each issuing its next request as soon as the previous one
 * answered (warp's model). New requests stop at the deadline; requests in flight may finish
 * within a grace period, after which they are aborted so a cell can never run away.
 */
export interface StepResult {
  bytes: number;
  /** Operation name, for workloads that mix several. */
  op?: string;
}

export type Step = (worker: number, signal: AbortSignal) => Promise<StepResult>;

/** Thrown by a step to end the cell early and cleanly (e.g. no objects left to delete). */
export class StopCell extends Error {}

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  graceMs: number;
  /** Called about once a second while the cell runs. */
  onProgress?: (elapsedMs: number) => void;
}

export interface LoopOutcome {
  seconds: number;
  status: CellStatus;
  /** Requests aborted at the hard deadline (neither successes nor errors). */
  cut: number;
  note?: string;
}

const ERROR_PAUSE_MS = 20;
const HOPELESS_ERRORS = 500;

export async function runClosedLoop(step: Step, recorder: CellRecorder, opts: LoopOptions): Promise<LoopOutcome> {
  const controller = new AbortController();
  // Every in-flight request listens on the one signal; that is by design, not a leak.
  setMaxListeners(0, controller.signal);
  const start = performance.now();
  const deadline = start + opts.durationMs;
  let stop = false;
  let hardStopped = false;
  let cut = 0;
  let status: CellStatus = 'ok';
  let note: string | undefined;
  const hardTimer = setTimeout(() => {
    hardStopped = true;
    controller.abort(new Error('cell hard deadline'));
  }, opts.durationMs + opts.graceMs);
  const ticker = opts.onProgress ? setInterval(() => opts.onProgress!(performance.now() - start), 1000) : undefined;

  const worker = async (w: number) => {
    while (!stop && performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const r = await step(w, controller.signal);
        recorder.success((performance.now() - t0) * 1000, r.bytes, r.op);
      } catch (err) {
        if (hardStopped) {
          cut++;
          return;
        }
        if (err instanceof NotImplementedError) {
          status = 'not implemented';
          note = err.message;
          stop = true;
          return;
        }
        if (err instanceof StopCell) {
          note ??= err.message;
          stop = true;
          return;
        }
        recorder.failure(err);
        if (recorder.errors >= HOPELESS_ERRORS && recorder.ops === 0) {
          status = 'failed';
          note = `stopped after ${recorder.errors} errors and no success`;
          stop = true;
          return;
        }
        // A refused connection must not turn into a busy loop that starves the servers.
        await new Promise((r) => setTimeout(r, ERROR_PAUSE_MS));
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  } finally {
    clearTimeout(hardTimer);
    if (ticker) clearInterval(ticker);
  }
  const seconds = (performance.now() - start) / 1000;
  if (cut > 0) note = [note, `${cut} request(s) cut at the hard deadline`].filter(Boolean).join('; ');
  return { seconds, status, cut, note };
}

/** Runs `count` untimed tasks `concurrency` at a time (pool preparation). */
export async function runAll(count: number, concurrency: number, task: (i: number) => Promise<void>, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
      done++;
      if (onProgress && done % Math.max(1, Math.floor(count / 20)) === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
