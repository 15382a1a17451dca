import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { ServiceName } from '../support/topology';
import { killCell, putProbes, runCell, tally, type CellResult, type CellSpec, type Stack } from './cell';
import { LatencyProxy, PrivatePostgres, PrivateRedis, SmallFilesystem, sleep, until } from './infra';
import { percentile } from './load';
import { PACK_FAULT_BLOB_ENV, packCompactionCell, packGroupCommitCell } from './pack-cells';
import { BackingStore, startStack, stopStack } from './stacks';

const MiB = 1024 * 1024;
const SERVICES: ServiceName[] = ['gateway', 'auth', 'metadata', 'blob', 'janitor'];
const PACK_CELLS = ['pack-kill-blob-group-commit', 'pack-kill-blob-compaction'];

export interface MatrixOptions {
  /** Cell ids (or prefixes) to run; all when empty. */
  only: string[];
  redisOutageSeconds: number;
  log: (line: string) => void;
}

/** Every cell id, in run order, for --only and the CI subset. */
export function cellIds(): string[] {
  const kills = SERVICES.flatMap((s) => ['put', 'multipart', 'complete'].map((p) => `kill-${s}-${p}`));
  return [...kills, 'postgres-restart', 'redis-outage', 'redis-wiped', ...PACK_CELLS, 'blob-disk-full', 'blob-backend-slow'];
}

export async function runMatrix(opts: MatrixOptions): Promise<CellResult[]> {
  const wanted = (id: string) => opts.only.length === 0 || opts.only.some((o) => id.startsWith(o));
  const results: CellResult[] = [];
  const pg = await PrivatePostgres.start();
  const redis = await PrivateRedis.start();
  opts.log(`private Postgres on :${pg.port}, private Redis on :${redis.port}`);
  try {
    const main = [
      ...SERVICES.flatMap((svc) => (['PUT', 'multipart', 'Complete'] as const).map((p) => killCell(svc, p))),
      postgresCell(pg),
      redisCell(redis, 'redis-outage', opts.redisOutageSeconds, false),
      redisCell(redis, 'redis-wiped', 3, true),
    ].filter((c) => wanted(c.id));
    if (main.length > 0) {
      const s = await startStack({ postgresUrl: pg.url, redisUrl: redis.url });
      try {
        for (const cell of main) results.push(await runCell(s, cell, opts.log).catch((err) => failedToRun(cell.id, err)));
      } finally {
        await stopStack(s);
      }
    }
    // The packed layout's cells run on a stack whose pack segments roll at 2 MiB.
    const pack = [packGroupCommitCell(), packCompactionCell()].filter((c) => wanted(c.id));
    if (pack.length > 0) {
      const s = await startStack({ postgresUrl: pg.url, redisUrl: redis.url, env: { blob: PACK_FAULT_BLOB_ENV } });
      try {
        for (const cell of pack) results.push(await runCell(s, cell, opts.log).catch((err) => failedToRun(cell.id, err)));
      } finally {
        await stopStack(s);
      }
    }
    // A cell whose stack cannot even start is a failed row, not the end of the run.
    if (wanted('blob-disk-full')) results.push(await diskFullCell(pg, redis, opts.log).catch((err) => failedToRun('blob-disk-full', err)));
    if (wanted('blob-backend-slow')) results.push(await slowBackendCell(pg, redis, opts.log).catch((err) => failedToRun('blob-backend-slow', err)));
  } finally {
    await redis.stop();
    await pg.stop();
  }
  return results;
}

/** Postgres crashes (every backend killed) while slow PUTs and the load run, and comes back 2 s later. */
function postgresCell(pg: PrivatePostgres): CellSpec {
  return {
    id: 'postgres-restart',
    fault: 'Postgres crash + restart (`pg_ctl -m immediate`, down 2 s)',
    during: 'load + 3 slow PutObjects',
    async inject(s, notes) {
      const probes = putProbes(s);
      await probes.underway;
      await pg.crash();
      await sleep(2_000);
      await pg.up();
      notes.push(`in flight: ${tally(await probes.done)}`);
    },
  };
}

/**
 * Redis stopped (SIGTERM) under load for `seconds`, then started again; `wiped` starts it empty, as a
 * Redis without persistence comes back. The janitor must report not ready while Redis is down,
 * and afterwards drain on its own schedule what piled up meanwhile (no manual run).
 */
export function redisCell(redis: PrivateRedis, id: string, seconds: number, wiped: boolean): CellSpec {
  const failures: string[] = [];
  return {
    id,
    fault: wiped ? `Redis restarted empty (down ${seconds} s, data wiped)` : `Redis stopped ${seconds} s`,
    during: 'load (overwrites and deletes feed the outbox)',
    async inject(s, notes) {
      failures.length = 0;
      const janitorReady = () => fetch(`http://127.0.0.1:${s.t.ports.janitor}/readyz`).then((r) => r.status, () => 0);
      await redis.down({ wipe: wiped });
      const downAt = Date.now();
      const notReadyIn = await until('janitor not ready', async () => (await janitorReady()) === 503, 10_000).catch(() => undefined);
      if (notReadyIn === undefined) failures.push('janitor stayed ready with Redis down');
      else notes.push(`janitor /readyz 503 within ${(notReadyIn / 1000).toFixed(1)} s`);
      // An overwrite while Redis is down: at least one superseded blob must wait for the schedule.
      for (let i = 0; i < 2; i++) await s.load.put('redis-outage/overwritten', randomBytes(10_000));
      await sleep(Math.max(0, seconds * 1000 - (Date.now() - downAt)));
      const pending = await outboxMaxId(s);
      if (pending.count === 0) failures.push('no outbox row was waiting when Redis returned: the cell proved nothing');
      notes.push(`outbox rows waiting at restart: ${pending.count}`);
      await redis.up();
      const readyIn = await until('janitor ready', async () => (await janitorReady()) === 200, 30_000).catch(() => undefined);
      if (readyIn === undefined) failures.push('janitor not ready 30 s after Redis came back');
      // Rows from before the restart must be drained by the scheduler alone.
      const drainedIn = await until('scheduled outbox drain', async () => (await outboxRowsUpTo(s, pending.maxId)) === 0, 30_000).catch(() => undefined);
      if (drainedIn === undefined) failures.push(`scheduled outbox drain did not run within 30 s of Redis returning (${await outboxRowsUpTo(s, pending.maxId)} rows left)`);
      else notes.push(`waiting rows drained by the schedule ${(drainedIn / 1000).toFixed(1)} s after Redis returned`);
    },
    check: async () => failures,
  };
}

async function outboxMaxId(s: Stack): Promise<{ maxId: number; count: number }> {
  const pool = new Pool({ connectionString: s.t.db.url });
  try {
    const r = await pool.query<{ max: string | null; n: number }>('SELECT max(id) AS max, count(*)::int AS n FROM blob_outbox');
    return { maxId: Number(r.rows[0]!.max ?? 0), count: r.rows[0]!.n };
  } finally {
    await pool.end();
  }
}

async function outboxRowsUpTo(s: Stack, maxId: number): Promise<number> {
  const pool = new Pool({ connectionString: s.t.db.url });
  try {
    return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM blob_outbox WHERE id <= $1', [maxId])).rows[0]!.n;
  } finally {
    await pool.end();
  }
}

/**
 * The blob filesystem (a 64 MiB tmpfs) fills up under load: PUTs of 1 MiB until the first one
 * fails, a few seconds full, then space is freed the way an operator would (delete objects, the
 * janitor reclaims them) and writes must work again.
 */
async function diskFullCell(pg: PrivatePostgres, redis: PrivateRedis, log: (l: string) => void): Promise<CellResult> {
  const id = 'blob-disk-full';
  const fault = 'blob filesystem full (64 MiB tmpfs, ENOSPC)';
  if (!SmallFilesystem.canMount()) return skipped(id, fault, 'needs root to mount a tmpfs');
  const fs = SmallFilesystem.mount(64);
  let s: Stack | undefined;
  try {
    s = await startStack({ postgresUrl: pg.url, redisUrl: redis.url, env: { blob: { BLOB_FS_ROOT: fs.dir } } });
    return await runCell(
      s,
      {
        id,
        fault,
        during: 'load + 1 MiB PutObjects until one fails',
        async inject(st, notes) {
          const keys: string[] = [];
          let firstFailure = '';
          for (let i = 0; i < 200 && !firstFailure; i++) {
            const key = `fill/${i}`;
            keys.push(key);
            if (!(await st.load.put(key, randomBytes(MiB)))) firstFailure = st.load.recorder.peek().filter((x) => x.error).at(-1)?.error ?? '?';
          }
          notes.push(`first failed fill PUT after ${keys.length - 1} MiB (${(fs.usedBytes() / MiB).toFixed(1)} MiB used): ${firstFailure}`);
          await sleep(3_000); // full, under load
          for (const key of keys) await st.load.delete(key);
          const r = (await st.t.runJanitor('outbox')) as { deleted: number };
          notes.push(`freed: ${keys.length} objects deleted, janitor reclaimed ${r.deleted} blobs, ${(fs.usedBytes() / MiB).toFixed(1)} MiB used`);
        },
      },
      log,
    );
  } finally {
    await stopStack(s);
    fs.unmount();
  }
}

/**
 * The blob service on its S3 backend, with a second stack as the object store behind a proxy that
 * delays every chunk: latency under a fast, then slow (100 ms), then fast backend.
 */
async function slowBackendCell(pg: PrivatePostgres, redis: PrivateRedis, log: (l: string) => void): Promise<CellResult> {
  const store = await BackingStore.start(pg.url);
  const proxy = await LatencyProxy.start({ host: '127.0.0.1', port: store.port });
  let s: Stack | undefined;
  try {
    s = await startStack({ postgresUrl: pg.url, redisUrl: redis.url, env: { blob: store.blobEnv(`http://127.0.0.1:${proxy.port}`) }, view: () => store.view() });
    return await runCell(
      s,
      {
        id: 'blob-backend-slow',
        fault: 'S3 backend slowed (proxy holds each chunk 100 ms)',
        during: 'load',
        async inject(st, notes) {
          const phase = async (delayMs: number, ms: number) => {
            proxy.delayMs = delayMs;
            const from = Date.now();
            await sleep(ms);
            const got = st.load.recorder.peek().filter((x) => x.at >= from);
            const line = (op: string) => {
              const ok = got.filter((x) => x.op === op && !x.error).map((x) => x.ms);
              return `${op} p50 ${percentile(ok, 50).toFixed(0)} / p99 ${percentile(ok, 99).toFixed(0)} ms (n=${ok.length})`;
            };
            notes.push(`backend +${delayMs} ms: ${line('PutObject')}, ${line('GetObject')}, ${got.filter((x) => x.error).length} errors`);
          };
          await phase(0, 5_000);
          await phase(100, 10_000);
          await phase(0, 5_000);
        },
      },
      log,
    );
  } finally {
    await stopStack(s);
    await proxy.stop();
    await store.stop();
  }
}

function failedToRun(id: string, err: unknown): CellResult {
  return skipped(id, id, `could not run: ${err instanceof Error ? err.message : String(err)}`);
}

function skipped(id: string, fault: string, why: string): CellResult {
  return {
    id,
    fault,
    during: '-',
    requests: 0,
    failed: 0,
    errors: [],
    keysChecked: 0,
    lost: [],
    half: [],
    reclaimed: { uploadsExpired: 0, outboxDeleted: 0, orphansRemoved: 0 },
    leftovers: [],
    missingBlobs: [],
    notes: [],
    problems: [`skipped: ${why}`],
    pass: false,
    seconds: 0,
  };
}
