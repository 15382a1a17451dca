import { Pool, types } from 'pg';

// BIGINT columns (object sizes) fit in a JS number below 2^53; parse them as numbers.
types.setTypeParser(20, (v) => Number(v));

export function createPool(opts: { connectionString: string; max?: number; applicationName: string }): Pool {
  const pool = new Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
