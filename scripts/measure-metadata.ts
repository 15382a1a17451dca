/**
 * CPU of the metadata service and of its Postgres backends per operation, from /proc (robust on a
 * busy machine, unlike ops/s). Starts `<src>/main.ts` as its own process on a fresh migrated
 * database, with a JWKS served from here, then drives PutObject commits, GETs and DELETEs through
 * the real client at concurrency 8. Postgres CPU is the utime+stime of the backends whose
 * application_name is the metadata pool's. It also counts the statements each store call sends
 * (a wrapper around pg's Client#query, in this process).
 *
 * `npx tsx scripts/measure-metadata.ts [count] [srcDir ...]` (srcDir defaults to
 * services/metadata/src; give two to A/B them, alternating, e.g. a copy of the old src; REPS=n).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, type PutObjectCommit } from '@excloud/contracts';
import { MetadataClient } from '@excloud/internal-client';
import { createTestDatabase } from '@excloud/test-kit';
import { cpuMs, freePort, inParallel } from './measure-support';

const count = Number(process.argv[2] ?? 600);
const srcDirs = process.argv.length > 3 ? process.argv.slice(3) : ['services/metadata/src'];
const REPS = Number(process.env.REPS ?? 3);

function commitFor(key: string): PutObjectCommit {
  const size = 4096;
  return {
    key,
    size,
    etag: `"${randomBytes(16).toString('hex')}"`,
    headers: { contentType: 'application/octet-stream' },
    userMetadata: {},
    checksums: { CRC32: 'AAAAAA==' },
    manifest: [{ blobId: `measure/${randomBytes(8).toString('hex')}`, size, encryption: { keyId: 'k1', wrappedKey: 'w'.repeat(80), noncePrefix: 'n'.repeat(16) } }],
  };
}

interface Sample {
  src: string;
  put: { metadata: number; postgres: number };
  get: { metadata: number; postgres: number };
  del: { metadata: number; postgres: number };
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k' };
  const jwks = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] }))).listen(0, '127.0.0.1');
  await new Promise((r) => jwks.once('listening', r));
  const authUrl = `http://127.0.0.1:${(jwks.address() as net.AddressInfo).port}`;
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setSubject('org-measure').setAudience(INTERNAL_TOKEN_AUDIENCE).setIssuer(INTERNAL_TOKEN_ISSUER).setExpirationTime('1h').sign(privateKey);
  try {
    const { migrateMetadata } = await import(path.resolve(srcDirs[0]!, 'migrations'));
    await migrateMetadata(admin);
    await countStatements(admin);
    const samples: Sample[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      for (const src of srcDirs) samples.push(await measure(src, db.url, authUrl, token, admin, rep));
    }
    for (const src of srcDirs) {
      const mine = samples.filter((s) => s.src === src);
      const med = (f: (s: Sample) => number) => +median(mine.map(f)).toFixed(3);
      console.log(
        JSON.stringify({
          src,
          reps: mine.length,
          count,
          medianCpuMsPerOp: {
            put: { metadata: med((s) => s.put.metadata), postgres: med((s) => s.put.postgres) },
            get: { metadata: med((s) => s.get.metadata), postgres: med((s) => s.get.postgres) },
            delete: { metadata: med((s) => s.del.metadata), postgres: med((s) => s.del.postgres) },
          },
        }),
      );
    }
  } finally {
    jwks.close();
    await admin.end();
    await db.drop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function measure(src: string, dbUrl: string, authUrl: string, token: string, admin: pg.Pool, rep: number): Promise<Sample> {
  const port = await freePort();
  // METADATA_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the service (flushed on SIGINT).
  const nodeArgs = (process.env.METADATA_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(src, 'main.ts')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: dbUrl, AUTH_URL: authUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitHealthy(port, child);
    const client = new MetadataClient(`http://127.0.0.1:${port}`);
    const bucket = `m-${rep}-${path.basename(path.dirname(path.resolve(src)))}-${path.basename(src)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60);
    await client.createBucket(token, bucket, {});
    // Warm up at full concurrency: JIT, the pool's connections, prepared statements.
    await inParallel(200, async (i) => void (await client.putObject(token, bucket, commitFor(`warm/${i % 50}`))));
    await inParallel(200, async (i) => void (await client.getObject(token, bucket, `warm/${i % 50}`, undefined)));
    const phase = async (fn: (i: number) => Promise<unknown>) => {
      const pids = await backendPids(admin, dbUrl);
      const before = cpuMs(child.pid!);
      const pgBefore = new Map(pids.map((p) => [p, cpuMs(p)]));
      await inParallel(count, async (i) => void (await fn(i)));
      const after = await backendPids(admin, dbUrl);
      const pgCpu = after.reduce((n, p) => n + cpuMs(p) - (pgBefore.get(p) ?? 0), 0);
      return { metadata: (cpuMs(child.pid!) - before) / count, postgres: pgCpu / count };
    };
    const put = await phase((i) => client.putObject(token, bucket, commitFor(`k/${i}`)));
    const get = await phase((i) => client.getObject(token, bucket, `k/${i}`, undefined));
    const del = await phase((i) => client.deleteObject(token, bucket, `k/${i}`, undefined));
    const sample = { src, put, get, del };
    console.error(JSON.stringify(sample));
    return sample;
  } finally {
    child.kill(nodeArgs.length ? 'SIGINT' : 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}

async function waitHealthy(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('metadata exited');
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return;
    if (i > 300) throw new Error('metadata did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function backendPids(admin: pg.Pool, dbUrl: string): Promise<number[]> {
  const r = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'excloud-metadata'", [new URL(dbUrl).pathname.slice(1)]);
  return r.rows.map((row) => row.pid);
}

/** Statements (each one round trip) per store call, counted at pg's Client#query, for every src. */
async function countStatements(pool: pg.Pool): Promise<void> {
  let n = 0;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    n += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    for (const src of srcDirs) {
      const store = await import(path.resolve(src, 'object-store'));
      const bucket = `count-${randomBytes(4).toString('hex')}`;
      await pool.query('INSERT INTO buckets (org_id, name) VALUES ($1, $2)', ['org-count', bucket]);
      const counted = async (fn: () => Promise<unknown>) => {
        const start = n;
        await fn();
        return n - start;
      };
      const result = {
        src,
        putNew: await counted(() => store.putObject(pool, 'org-count', bucket, commitFor('a'))),
        putOverwrite: await counted(() => store.putObject(pool, 'org-count', bucket, commitFor('a'))),
        get: await counted(() => store.getObject(pool, 'org-count', bucket, 'a', undefined)),
        delete: await counted(() => store.deleteObject(pool, 'org-count', bucket, 'a', undefined)),
      };
      console.log(JSON.stringify({ statementsPerCall: result }));
    }
  } finally {
    pg.Client.prototype.query = original;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
