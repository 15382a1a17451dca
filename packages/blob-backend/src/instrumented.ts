import type { BlobBackend, BlobListEntry } from './backend';

/** The one thing the decorator needs from a metrics library (prom-client stays in service-kit). */
export interface BlobBackendMetrics {
  observe(op: BlobBackendOp, backend: string, seconds: number, ok: boolean): void;
}

export type BlobBackendOp = 'put' | 'get' | 'head' | 'delete' | 'list' | 'check';

/**
 * Wraps a backend so every call reports its duration and outcome. Any throw counts as not ok —
 * including BlobNotFoundError, because metadata only points at blobs that should exist.
 *
 * What is timed: put includes streaming the whole body; get is time to an open stream (bytes are
 * paid for by the reader); list is the whole iteration until exhausted, broken off, or failed.
 */
export function instrumented(backend: BlobBackend, metrics: BlobBackendMetrics): BlobBackend {
  const record = (op: BlobBackendOp, started: bigint, ok: boolean): void => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    try {
      metrics.observe(op, backend.name, seconds, ok);
    } catch {
      // A broken metrics sink must never fail a storage operation.
    }
  };
  const timed = async <T>(op: BlobBackendOp, fn: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    try {
      const result = await fn();
      record(op, started, true);
      return result;
    } catch (err) {
      record(op, started, false);
      throw err;
    }
  };

  const timedSmall = async (fn: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> => {
    const started = process.hrtime.bigint();
    try {
      const result = await fn();
      if (result) record('get', started, true);
      return result;
    } catch (err) {
      record('get', started, false);
      throw err;
    }
  };

  return {
    name: backend.name,
    put: (opts) => timed('put', () => backend.put(opts)),
    get: (opts) => timed('get', () => backend.get(opts)),
    // Counted as a get only when it answered: otherwise the caller's get() is the one to count.
    getSmall: backend.getSmall && ((opts) => timedSmall(() => backend.getSmall!(opts))),
    head: (opts) => timed('head', () => backend.head(opts)),
    delete: (opts) => timed('delete', () => backend.delete(opts)),
    check: () => timed('check', () => backend.check()),
    list: (opts) => timedList(backend, opts, record),
    packs: backend.packs,
  } satisfies BlobBackend;
}

async function* timedList(
  backend: BlobBackend,
  opts: Parameters<BlobBackend['list']>[0],
  record: (op: BlobBackendOp, started: bigint, ok: boolean) => void,
): AsyncGenerator<BlobListEntry> {
  const started = process.hrtime.bigint();
  let ok = true;
  try {
    yield* backend.list(opts);
  } catch (err) {
    ok = false;
    throw err;
  } finally {
    // Also runs when the consumer breaks out early (generator return).
    record('list', started, ok);
  }
}
