import { BlobNotFoundError, type BlobBackend, type BlobListEntry } from './backend';

/** The one thing the decorator needs from a metrics library (prom-client stays in service-kit). */
export interface BlobBackendMetrics {
  observe(op: BlobBackendOp, backend: string, seconds: number, ok: boolean): void;
}

export type BlobBackendOp = 'put' | 'get' | 'head' | 'delete' | 'list' | 'check';

/**
 * Wraps a backend so every call reports its duration and outcome. Any throw counts as not ok —
 * including BlobNotFoundError, because metadata only points at blobs that should exist. The one
 * exception is a read the caller marked `mayBeMissing` (the gateway's read-ahead guesses a blob
 * before metadata confirmed it): its BlobNotFoundError is not recorded at all.
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
  /** `answered`: whether a result counts (getSmall's undefined leaves the count to the get() that follows). */
  const timed = async <T>(op: BlobBackendOp, fn: () => Promise<T>, answered: (result: T) => boolean = () => true, mayBeMissing = false): Promise<T> => {
    const started = process.hrtime.bigint();
    try {
      const result = await fn();
      if (answered(result)) record(op, started, true);
      return result;
    } catch (err) {
      if (!(mayBeMissing && err instanceof BlobNotFoundError)) record(op, started, false);
      throw err;
    }
  };

  return {
    name: backend.name,
    put: (opts) => timed('put', () => backend.put(opts)),
    get: (opts) => timed('get', () => backend.get(opts), undefined, opts.mayBeMissing),
    getSmall: backend.getSmall && ((opts) => timed('get', () => backend.getSmall!(opts), (data) => data !== undefined, opts.mayBeMissing)),
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
