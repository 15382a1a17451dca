import { MATRIX } from './matrix';
import { PayloadCache, KIB } from './payload';
import type { ObjectTarget } from './targets/target';
import { TargetState, prepareCell } from './workloads';

/** An in-memory target that records which keys were read. */
function memoryTarget(): ObjectTarget & { reads: string[] } {
  const stored = new Set<string>();
  const reads: string[] = [];
  return {
    name: 'excloud',
    reads,
    put: async (key) => void stored.add(key),
    get: async (key) => {
      if (!stored.has(key)) throw new Error(`no ${key}`);
      reads.push(key);
    },
    head: async (key) => {
      if (!stored.has(key)) throw new Error(`no ${key}`);
      reads.push(key);
    },
    delete: async (key) => void stored.delete(key),
    close: () => undefined,
  };
}

describe('GET cells', () => {
  it('read a fixed working set, each object once before the window, however large the pool', async () => {
    const target = memoryTarget();
    const state = new TargetState(target);
    const pool = state.pool(4 * KIB);
    for (let i = 0; i < 1000; i++) {
      const key = `k${i}`;
      await target.put(key, undefined as never);
      pool.add(key);
    }
    const def = MATRIX.find((c) => c.id === 'get-4k-c8')!;
    const prepared = await prepareCell(def, state, { payloads: new PayloadCache(), log: () => undefined });
    const warmed = new Set(target.reads);
    expect(target.reads).toHaveLength(256);
    expect(warmed.size).toBe(256);
    target.reads.length = 0;
    const signal = new AbortController().signal;
    for (let i = 0; i < 2000; i++) await prepared.step(i % 8, signal);
    expect(target.reads.every((k) => warmed.has(k))).toBe(true);
    expect(new Set(target.reads).size).toBeGreaterThan(200);
    expect(pool.size).toBe(1000);
  });
});
