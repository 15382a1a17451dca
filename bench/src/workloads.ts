import { StopCell, runAll, type Step } from './closed-loop';
import { KeyPool } from './key-pool';
import { LIST_OBJECTS, LIST_PAGE_KEYS, MULTIPART_PARALLEL, MULTIPART_PART_SIZE, type CellDef } from './matrix';
import { MIB, Payload, PayloadCache, sizeLabel } from './payload';
import type { ObjectTarget } from './targets/target';

/**
 * What a target keeps between cells: which keys exist per object size (GET reads what PUT
 * wrote), whether the LIST fixture exists, and a run-unique sequence for new keys.
 */
export class TargetState {
  readonly pools = new Map<number, KeyPool>();
  readonly mixedPool = new KeyPool();
  listReady = false;
  private seq = 0;

  constructor(
    public target: ObjectTarget,
    /** Where list cells run (a bucket of their own on S3); undefined when the target has no LIST. */
    public listTarget?: ObjectTarget,
    /** Deletes keys without going through the measured path (nginx: unlink); defaults to DELETE. */
    readonly discard?: (keys: string[]) => Promise<void>,
  ) {}

  /** Same objects, new connection (after the stack restarted). */
  retarget(target: ObjectTarget, listTarget?: ObjectTarget): void {
    this.target.close();
    this.target = target;
    this.listTarget = listTarget;
  }

  pool(size: number): KeyPool {
    let p = this.pools.get(size);
    if (!p) this.pools.set(size, (p = new KeyPool()));
    return p;
  }

  newKey(prefix: string, worker: number): string {
    return `${prefix}/w${worker}-${(this.seq++).toString(36)}`;
  }
}

export interface PreparedCell {
  step: Step;
  /** Untimed work after the cell (trim pools so big objects do not fill the disk). */
  after?: () => Promise<void>;
}

export interface WorkloadEnv {
  payloads: PayloadCache;
  log: (line: string) => void;
}

/** Objects present before reading, and the working set a GET/HEAD cell reads (see prepareCell). */
const READ_POOL_MIN: Record<string, number> = { '4k': 256, '1m': 64, '64m': 8, '10m': 48 };
/** Objects DELETE c8 may consume; it ends early (and says so) if it runs out. */
const DELETE_POOL_MIN = { excloud: 3000, local: 3000, rgw: 3000, nginx: 30_000 };
/** Above this many bytes of one size, pools are trimmed to READ_POOL_MIN after PUT cells. */
const POOL_BYTE_BUDGET = 2 * 1024 * MIB;

export async function prepareCell(def: CellDef, state: TargetState, env: WorkloadEnv): Promise<PreparedCell> {
  const { target } = state;
  const payload = def.size > 0 ? env.payloads.get(def.size) : undefined;
  const label = sizeLabel(def.size);
  switch (def.op) {
    case 'put': {
      const pool = state.pool(def.size);
      return {
        step: async (w, signal) => {
          const key = state.newKey(label, w);
          await target.put(key, payload!, signal);
          pool.add(key);
          return { bytes: def.size };
        },
        after: () => trimPool(state, def.size, env),
      };
    }
    case 'get':
    case 'head': {
      const pool = state.pool(def.size);
      const want = READ_POOL_MIN[label] ?? 64;
      await fill(state, pool, payload!, label, want, env);
      const read = (key: string, signal?: AbortSignal) => (def.op === 'get' ? target.get(key, payload!, signal) : target.head(key, def.size, signal));
      // A fixed working set, read once before the window, so every target's reads come from the
      // page cache: objects written minutes earlier by other cells may have been paged out (this
      // kind of machine reclaims pages untouched for a minute), which would make the cell measure
      // the disk and the order of cells instead of the target.
      // Nothing deletes during a GET or HEAD cell, so its reads need no leases.
      const working = pool.sample(want);
      await runAll(working.length, def.size >= 8 * MIB ? 4 : 16, (i) => read(working[i]!));
      return {
        step: async (_w, signal) => {
          await read(working[Math.floor(Math.random() * working.length)]!, signal);
          return { bytes: def.op === 'get' ? def.size : 0 };
        },
      };
    }
    case 'delete': {
      const pool = state.pool(def.size);
      await fill(state, pool, payload!, label, DELETE_POOL_MIN[target.name], env);
      const available = pool.size;
      return {
        step: async (_w, signal) => {
          const key = pool.take();
          if (key === undefined) throw new StopCell(`ran out of objects after deleting ${available}`);
          await target.delete(key, signal);
          return { bytes: 0 };
        },
      };
    }
    case 'list': {
      const lister = state.listTarget;
      if (!lister?.listPage) throw new Error(`${target.name} has no ListObjectsV2`);
      if (!state.listReady) {
        const empty = new Payload(Buffer.alloc(0));
        env.log(`  preparing ${LIST_OBJECTS} objects for LIST`);
        await runAll(LIST_OBJECTS, 16, (i) => lister.put(`list/obj-${String(i).padStart(6, '0')}`, empty));
        state.listReady = true;
      }
      const tokens = new Map<number, string | undefined>();
      return {
        step: async (w, signal) => {
          const page = await lister.listPage!('list/', LIST_PAGE_KEYS, tokens.get(w), signal);
          const expected = page.next !== undefined ? LIST_PAGE_KEYS : LIST_OBJECTS % LIST_PAGE_KEYS || LIST_PAGE_KEYS;
          if (page.keyCount !== expected) throw new Error(`LIST page had ${page.keyCount} keys, expected ${expected}`);
          // Each worker walks the whole listing page by page, then starts over.
          tokens.set(w, page.next);
          return { bytes: 0 };
        },
      };
    }
    case 'multipart': {
      if (!target.multipartPut) throw new Error(`${target.name} has no multipart upload`);
      const parts = payload!.parts(MULTIPART_PART_SIZE);
      return {
        step: async (w, signal) => {
          const key = state.newKey(`mp-${label}`, w);
          await target.multipartPut!(key, parts, MULTIPART_PARALLEL, signal);
          return { bytes: def.size };
        },
      };
    }
    case 'mixed':
      return prepareMixed(def, state, payload!, env);
  }
}

/**
 * warp's mixed workload: 45% GET, 30% HEAD, 15% PUT, 10% DELETE over a shared set of objects.
 * Reads lease their key so a concurrent DELETE never turns them into a 404.
 */
async function prepareMixed(def: CellDef, state: TargetState, payload: Payload, env: WorkloadEnv): Promise<PreparedCell> {
  const { target } = state;
  const pool = state.mixedPool;
  const label = `mixed-${sizeLabel(def.size)}`;
  await fill(state, pool, payload, label, READ_POOL_MIN[sizeLabel(def.size)] ?? 48, env);
  const put = async (w: number, signal: AbortSignal) => {
    const key = state.newKey(label, w);
    await target.put(key, payload, signal);
    pool.add(key);
    return { bytes: def.size, op: 'PUT' };
  };
  return {
    step: async (w, signal) => {
      const r = Math.random();
      if (r < 0.75) {
        const key = pool.borrow();
        if (key === undefined) return put(w, signal);
        try {
          if (r < 0.45) {
            await target.get(key, payload, signal);
            return { bytes: def.size, op: 'GET' };
          }
          await target.head(key, def.size, signal);
          return { bytes: 0, op: 'HEAD' };
        } finally {
          pool.release(key);
        }
      }
      if (r < 0.9) return put(w, signal);
      const key = pool.take();
      if (key === undefined) return put(w, signal);
      await target.delete(key, signal);
      return { bytes: 0, op: 'DELETE' };
    },
    after: async () => {
      const keys = pool.drain();
      await discard(state, keys);
    },
  };
}

/** Untimed PUTs until the pool holds `min` keys. */
async function fill(state: TargetState, pool: KeyPool, payload: Payload, label: string, min: number, env: WorkloadEnv): Promise<void> {
  const missing = min - pool.size;
  if (missing <= 0) return;
  env.log(`  preparing ${missing} objects of ${label} on ${state.target.name}`);
  const concurrency = payload.size >= 8 * MIB ? 4 : 16;
  await runAll(missing, concurrency, async (i) => {
    const key = state.newKey(label, i % concurrency);
    await state.target.put(key, payload);
    pool.add(key);
  });
}

/** Keeps disk use bounded: past the byte budget, delete all but what the read cells need. */
async function trimPool(state: TargetState, size: number, env: WorkloadEnv): Promise<void> {
  const pool = state.pool(size);
  if (pool.size * size <= POOL_BYTE_BUDGET) return;
  const keep = READ_POOL_MIN[sizeLabel(size)] ?? 64;
  const all = pool.drain();
  const kept = all.slice(0, keep);
  kept.forEach((k) => pool.add(k));
  const dropped = all.slice(keep);
  env.log(`  trimming ${dropped.length} objects of ${sizeLabel(size)} on ${state.target.name} (disk budget)`);
  await discard(state, dropped);
}

async function discard(state: TargetState, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  if (state.discard) return state.discard(keys);
  await runAll(keys.length, 8, (i) => state.target.delete(keys[i]).catch(() => undefined));
}
