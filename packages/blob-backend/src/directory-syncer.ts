import { open } from 'node:fs/promises';

export async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const noop = (): undefined => undefined;

/**
 * Group commit for directory fsyncs: puts renamed into one directory at about the same time share
 * one fsync. A caller is only answered by an fsync that began after it asked (so after its rename):
 * while one runs, later callers queue for the next, which starts when it ends.
 */
export class DirectorySyncer {
  readonly #dirs = new Map<string, { running?: Promise<void>; queued?: Promise<void> }>();
  fsyncs = 0;

  sync(dir: string): Promise<void> {
    let state = this.#dirs.get(dir);
    if (!state) this.#dirs.set(dir, (state = {}));
    const running = state.running;
    if (!running) return this.#start(dir, state);
    const s = state;
    s.queued ??= running.then(noop, noop).then(() => {
      s.queued = undefined;
      return this.#start(dir, s);
    });
    return s.queued;
  }

  #start(dir: string, state: { running?: Promise<void>; queued?: Promise<void> }): Promise<void> {
    this.fsyncs += 1;
    const p: Promise<void> = fsyncDir(dir).finally(() => {
      if (state.running === p) state.running = undefined;
      if (!state.running && !state.queued) this.#dirs.delete(dir);
    });
    state.running = p;
    return p;
  }
}

