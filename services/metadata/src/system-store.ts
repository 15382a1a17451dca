import type { Pool } from 'pg';
import { asOrgId } from '@excloud/contracts';
import type { OutboxRow } from '@excloud/internal-client';
import { withTransaction } from './db';
import { dropUpload } from './upload-store';

/**
 * Cross-org maintenance for the janitor. Each call is idempotent: acknowledging a row twice,
 * or expiring an upload already gone, does nothing.
 */

export async function pendingOutbox(pool: Pool, olderThanSeconds: number, limit: number): Promise<OutboxRow[]> {
  const r = await pool.query<{ id: string; org_id: string; blob_id: string; size: number | null }>(
    `SELECT id, org_id, blob_id, size FROM blob_outbox
      WHERE enqueued_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return r.rows.map((row) => ({ id: Number(row.id), orgId: row.org_id, blobId: row.blob_id, size: row.size === null ? null : Number(row.size) }));
}

export async function ackOutbox(pool: Pool, ids: number[]): Promise<void> {
  if (ids.length > 0) await pool.query('DELETE FROM blob_outbox WHERE id = ANY($1::bigint[])', [ids]);
}

/** Aborts uploads idle longer than the age; SKIP LOCKED leaves uploads being completed alone. */
export async function expireUploads(pool: Pool, olderThanSeconds: number, limit: number): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const stale = await tx.query<{ org_id: string; bucket: string; upload_id: string }>(
      `SELECT org_id, bucket, upload_id FROM multipart_uploads
        WHERE last_activity < now() - make_interval(secs => $1)
        ORDER BY last_activity LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [olderThanSeconds, limit],
    );
    for (const u of stale.rows) await dropUpload(tx, asOrgId(u.org_id), u.bucket, u.upload_id, 'expired');
    return stale.rows.length;
  });
}

/**
 * The blob ids still needed: referenced by a version's manifest or an upload part, or queued in
 * the outbox within its grace period (the janitor's drain owns those).
 */
export async function referencedBlobs(pool: Pool, blobIds: string[], graceSeconds: number): Promise<string[]> {
  if (blobIds.length === 0) return [];
  const r = await pool.query<{ id: string }>(
    `SELECT b.id FROM unnest($1::text[]) AS b(id)
      WHERE EXISTS (SELECT 1 FROM object_versions v WHERE v.manifest @> jsonb_build_array(jsonb_build_object('blobId', b.id)))
         OR EXISTS (SELECT 1 FROM upload_parts p WHERE p.blob_id = b.id)
         OR EXISTS (SELECT 1 FROM blob_outbox o WHERE o.blob_id = b.id AND o.enqueued_at >= now() - make_interval(secs => $2))`,
    [blobIds, graceSeconds],
  );
  return r.rows.map((row) => row.id);
}

export async function stats(pool: Pool): Promise<{ outboxPending: number; activeUploads: number; outboxOldestSeconds: number }> {
  const r = await pool.query<{ outbox: string; uploads: string; oldest: string | null }>(
    `SELECT (SELECT count(*) FROM blob_outbox) AS outbox, (SELECT count(*) FROM multipart_uploads) AS uploads,
            (SELECT extract(epoch FROM now() - min(enqueued_at)) FROM blob_outbox) AS oldest`,
  );
  const row = r.rows[0]!;
  return { outboxPending: Number(row.outbox), activeUploads: Number(row.uploads), outboxOldestSeconds: Math.max(0, Number(row.oldest ?? 0)) };
}
