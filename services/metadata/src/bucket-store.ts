import type { Pool } from 'pg';
import type { BucketInfo, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { withTransaction, type Queryable } from './db';
import { BUCKET_COLUMNS, toBucketInfo, type BucketRow } from './rows';
import { applyUsage } from './usage-store';

/** Bucket rows. Every statement is scoped by the caller's verified org id. */

export async function listBuckets(db: Queryable, orgId: OrgId): Promise<BucketInfo[]> {
  const r = await db.query<BucketRow>(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE org_id = $1 ORDER BY name COLLATE "C"`, [orgId]);
  return r.rows.map(toBucketInfo);
}

/** The bucket count moves in the same transaction; the org's bucket quota can refuse it. */
export async function createBucket(pool: Pool, orgId: OrgId, name: string, acl: string): Promise<BucketInfo> {
  return withTransaction(pool, async (tx) => {
    const r = await tx.query<BucketRow>(
      `INSERT INTO buckets (org_id, name, acl) VALUES ($1, $2, $3) ON CONFLICT (org_id, name) DO NOTHING RETURNING ${BUCKET_COLUMNS}`,
      [orgId, name, acl],
    );
    if (r.rows.length === 0) throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
    await applyUsage(tx, orgId, { buckets: 1 });
    return toBucketInfo(r.rows[0]);
  });
}

export async function getBucket(db: Queryable, orgId: OrgId, name: string): Promise<BucketInfo> {
  const r = await db.query<BucketRow>(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE org_id = $1 AND name = $2`, [orgId, name]);
  if (r.rows.length === 0) throw noSuchBucket(name);
  return toBucketInfo(r.rows[0]);
}

/**
 * FOR UPDATE waits for object writes in flight (they hold KEY SHARE on the bucket row) and blocks
 * new ones, so the emptiness check below cannot miss a version committed concurrently.
 */
export async function deleteBucket(pool: Pool, orgId: OrgId, name: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const locked = await tx.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2 FOR UPDATE', [orgId, name]);
    if (locked.rows.length === 0) throw noSuchBucket(name);
    // Any row counts, delete markers and noncurrent versions included, as in S3.
    const used = await tx.query('SELECT 1 FROM object_versions WHERE org_id = $1 AND bucket = $2 LIMIT 1', [orgId, name]);
    if (used.rows.length > 0) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
    // Uploads still in progress die with the bucket; their part blobs go to the outbox.
    await tx.query(
      `INSERT INTO blob_outbox (org_id, blob_id, reason, size)
       SELECT org_id, blob_id, 'abort', size FROM upload_parts WHERE org_id = $1 AND bucket = $2`,
      [orgId, name],
    );
    await tx.query('DELETE FROM multipart_uploads WHERE org_id = $1 AND bucket = $2', [orgId, name]);
    await tx.query('DELETE FROM buckets WHERE org_id = $1 AND name = $2', [orgId, name]);
    await applyUsage(tx, orgId, { buckets: -1 });
  });
}

export async function setBucketVersioning(db: Queryable, orgId: OrgId, name: string, status: 'Enabled' | 'Suspended'): Promise<void> {
  const r = await db.query('UPDATE buckets SET versioning = $3 WHERE org_id = $1 AND name = $2', [orgId, name, status]);
  if (r.rowCount === 0) throw noSuchBucket(name);
}

export function noSuchBucket(name: string): S3Error {
  return new S3Error('NoSuchBucket', undefined, { BucketName: name });
}
