import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Integration tests run against a real Postgres: DATABASE_URL, else the local service. Each test
 * file gets a database of its own (created here, dropped by `drop`), so files run in parallel.
 * Where neither is reachable and a Docker engine exists, testcontainers starts one.
 */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function baseDatabaseUrl(): Promise<string> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (await postgresReachable(url)) return url;
  if (process.env.TESTCONTAINERS !== '0' && (await dockerAvailable())) {
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return container.getConnectionUri();
  }
  throw new Error(`no Postgres at ${url} (set DATABASE_URL) and no Docker engine for testcontainers`);
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = await baseDatabaseUrl();
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Whether a Postgres answers at `url` within 2 s. */
export async function postgresReachable(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
