import type { Pool, PoolClient } from 'pg';
import type { OrgId } from '@excloud/contracts';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** Runs `fn` in one transaction on one connection; any throw rolls it back. */
export async function withTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Serialises writers of one key for the rest of the transaction. An advisory lock works when no row
 * for the key exists yet (a first PUT), which a row lock cannot. Hash collisions only serialise two
 * unrelated keys, never break correctness.
 */
export async function lockKey(tx: PoolClient, orgId: OrgId, bucket: string, key: string): Promise<void> {
  // The lock id is object_key_lock_id (migration 006), which the write functions take too.
  await tx.query('SELECT pg_advisory_xact_lock(object_key_lock_id($1, $2, $3))', [orgId, bucket, key]);
}
