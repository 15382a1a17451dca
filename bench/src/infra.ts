import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';

/**
 * Postgres and Redis the way CI has them (.ci/run): started if down. The bench gets a database
 * of its own, created fresh and dropped at the end, so runs never see each other's rows.
 */
export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function ensurePostgresAndRedis(log: (line: string) => void): Promise<void> {
  if (!(await postgresUp())) {
    log('starting Postgres (it was not running)');
    const versions = readdirSync('/etc/postgresql');
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 30 && !(await postgresUp()); i++) await sleep(1000);
    if (!(await postgresUp())) throw new Error(`Postgres is not reachable at ${PG_ADMIN_URL}`);
  }
  const url = new URL(REDIS_URL);
  const ping = () => spawnSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG';
  if (!ping()) {
    log('starting Redis (it was not running)');
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', url.hostname, '--port', url.port || '6379', '--save', '', '--appendonly', 'no']);
    for (let i = 0; i < 20 && !ping(); i++) await sleep(250);
    if (!ping()) throw new Error(`Redis is not reachable at ${REDIS_URL}`);
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** `suffix` tells apart the databases of stacks measured side by side (their backends are counted apart). */
export async function createBenchDatabase(suffix = ''): Promise<BenchDatabase> {
  const name = `bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}${suffix ? `_${suffix}` : ''}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined) };
}

export async function adminQuery<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

async function postgresUp(): Promise<boolean> {
  const c = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
