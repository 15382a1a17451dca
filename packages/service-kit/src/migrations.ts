import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';

/** Versioned SQL migrations: `<dir>/NNN_description.sql`, applied in order, once, per service. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(path.join(dir, f), 'utf8') }));
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  service text NOT NULL, version int NOT NULL, name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (service, version))`;

// Serialises concurrent migrators (several pods, the Helm job) on one database.
const MIGRATION_LOCK = 7_262_001;

export async function runMigrations(pool: Pool, opts: { service: string; dir: string }): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(LEDGER);
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE service = $1', [opts.service]);
    const have = new Set(done.rows.map((r) => r.version));
    for (const m of loadMigrations(opts.dir)) {
      if (have.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (service, version, name) VALUES ($1, $2, $3)', [opts.service, m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${opts.service}/${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(`${opts.service}/${m.name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export class UnmigratedDatabaseError extends Error {}

/** A service facing an unmigrated database says so (and its caller exits) instead of failing later. */
export async function assertMigrated(pool: Pool, opts: { service: string; dir: string }): Promise<void> {
  const expected = loadMigrations(opts.dir);
  const latest = expected.at(-1)?.version ?? 0;
  let current = 0;
  try {
    const r = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations WHERE service = $1', [opts.service]);
    current = r.rows[0]?.v ?? 0;
  } catch (err) {
    if ((err as { code?: string }).code !== '42P01') throw err; // undefined_table: never migrated
  }
  if (current < latest) {
    throw new UnmigratedDatabaseError(
      `database schema for ${opts.service} is at version ${current}, this build needs ${latest}: run \`pnpm migrate\` first`,
    );
  }
}
