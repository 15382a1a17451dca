import { S3Error } from '@excloud/s3-protocol';
import type { Queryable } from './db';

/**
 * Org usage counters and quotas. Counters change inside the commit transaction of whatever they
 * count, with one statement (an upsert that also returns the org's quota), issued last so the
 * org row lock it takes is held only until COMMIT: writers of one org serialise there, which is
 * what makes a quota exact under concurrency.
 */

export interface UsageDelta {
  bytes?: number;
  objects?: number;
  buckets?: number;
}

export interface OrgUsage {
  bytes: number;
  objects: number;
  buckets: number;
}

/** Limits; null means unlimited. */
export interface OrgQuota {
  maxBytes: number | null;
  maxObjects: number | null;
  maxBuckets: number | null;
  maxObjectBytes: number | null;
}

export const NO_QUOTA: OrgQuota = Object.freeze({ maxBytes: null, maxObjects: null, maxBuckets: null, maxObjectBytes: null });

interface QuotaRow {
  max_bytes: string | null;
  max_objects: string | null;
  max_buckets: string | null;
  max_object_bytes: string | null;
}

const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function toQuota(r: QuotaRow | null | undefined): OrgQuota {
  if (!r) return { ...NO_QUOTA };
  return { maxBytes: num(r.max_bytes), maxObjects: num(r.max_objects), maxBuckets: num(r.max_buckets), maxObjectBytes: num(r.max_object_bytes) };
}

// The time of the change comes in as EXCLUDED.changed_at (one clock reading per statement);
// GREATEST keeps the integral monotonic when a writer read the clock before the one ahead of it
// in the lock queue.
const APPLY_USAGE = `
INSERT INTO org_usage AS u (org_id, bytes, objects, buckets, changed_at)
VALUES ($1, $2, $3, $4, clock_timestamp())
ON CONFLICT (org_id) DO UPDATE SET
  bytes = u.bytes + EXCLUDED.bytes,
  objects = u.objects + EXCLUDED.objects,
  buckets = u.buckets + EXCLUDED.buckets,
  byte_seconds = u.byte_seconds + u.bytes * greatest(0, extract(epoch FROM EXCLUDED.changed_at - u.changed_at)),
  hour_start_byte_seconds = CASE
    WHEN u.changed_at < date_trunc('hour', EXCLUDED.changed_at, 'UTC')
    THEN u.byte_seconds + u.bytes * extract(epoch FROM date_trunc('hour', EXCLUDED.changed_at, 'UTC') - u.changed_at)
    ELSE u.hour_start_byte_seconds END,
  changed_at = greatest(u.changed_at, EXCLUDED.changed_at)
RETURNING u.bytes, u.objects, u.buckets,
  (SELECT to_jsonb(q) FROM org_quotas q WHERE q.org_id = u.org_id) AS quota`;

/**
 * Applies a change to the org's counters inside the caller's transaction and refuses it (the
 * caller's transaction then rolls back) when a quota would be exceeded. Only growth is checked:
 * a delete, or an overwrite with a smaller object, always succeeds, even over a lowered quota.
 */
export async function applyUsage(tx: Queryable, orgId: string, delta: UsageDelta, opts: { objectSize?: number; force?: boolean } = {}): Promise<void> {
  const d = { bytes: delta.bytes ?? 0, objects: delta.objects ?? 0, buckets: delta.buckets ?? 0 };
  if (d.bytes === 0 && d.objects === 0 && d.buckets === 0 && opts.objectSize === undefined) return;
  const r = await tx.query<{ bytes: string; objects: string; buckets: string; quota: QuotaRow | null }>(APPLY_USAGE, [orgId, d.bytes, d.objects, d.buckets]);
  const row = r.rows[0]!;
  // A reconciliation records what is stored; it is never refused.
  if (opts.force) return;
  const exceeded = quotaViolation(toQuota(row.quota), d, { bytes: Number(row.bytes), objects: Number(row.objects), buckets: Number(row.buckets) }, opts.objectSize);
  if (exceeded) throw new S3Error('QuotaExceeded', exceeded);
}

/** The message naming the limit a change would break, or undefined. Pure, for unit tests. */
export function quotaViolation(quota: OrgQuota, delta: Required<UsageDelta>, after: OrgUsage, objectSize?: number): string | undefined {
  if (objectSize !== undefined && quota.maxObjectBytes !== null && objectSize > quota.maxObjectBytes) {
    return `Object size ${objectSize} bytes exceeds the maximum object size of ${quota.maxObjectBytes} bytes for your organization.`;
  }
  if (delta.bytes > 0 && quota.maxBytes !== null && after.bytes > quota.maxBytes) {
    return `Storage quota exceeded: your organization may store ${quota.maxBytes} bytes; this request would bring it to ${after.bytes} bytes.`;
  }
  if (delta.objects > 0 && quota.maxObjects !== null && after.objects > quota.maxObjects) {
    return `Object quota exceeded: your organization may store ${quota.maxObjects} objects.`;
  }
  if (delta.buckets > 0 && quota.maxBuckets !== null && after.buckets > quota.maxBuckets) {
    return `Bucket quota exceeded: your organization may have ${quota.maxBuckets} buckets.`;
  }
  return undefined;
}

export async function getOrgQuota(db: Queryable, orgId: string): Promise<OrgQuota> {
  const r = await db.query<QuotaRow>('SELECT max_bytes, max_objects, max_buckets, max_object_bytes FROM org_quotas WHERE org_id = $1', [orgId]);
  return toQuota(r.rows[0]);
}

/**
 * Sets the fields given (null clears a limit, an absent field keeps it) and returns the quota now
 * in force. Lowering a limit below current usage is allowed: only further growth is refused.
 */
export async function setOrgQuota(db: Queryable, orgId: string, quota: Partial<OrgQuota>): Promise<OrgQuota> {
  const fields = ['maxBytes', 'maxObjects', 'maxBuckets', 'maxObjectBytes'] as const;
  for (const f of fields) {
    const v = quota[f];
    if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || v < 0)) throw new S3Error('InvalidArgument', `${f} must be a non-negative integer or null`);
  }
  const given = fields.map((f) => quota[f] !== undefined);
  const r = await db.query<QuotaRow>(
    `INSERT INTO org_quotas AS q (org_id, max_bytes, max_objects, max_buckets, max_object_bytes) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id) DO UPDATE SET
       max_bytes = CASE WHEN $6 THEN EXCLUDED.max_bytes ELSE q.max_bytes END,
       max_objects = CASE WHEN $7 THEN EXCLUDED.max_objects ELSE q.max_objects END,
       max_buckets = CASE WHEN $8 THEN EXCLUDED.max_buckets ELSE q.max_buckets END,
       max_object_bytes = CASE WHEN $9 THEN EXCLUDED.max_object_bytes ELSE q.max_object_bytes END,
       updated_at = now()
     RETURNING max_bytes, max_objects, max_buckets, max_object_bytes`,
    [orgId, ...fields.map((f) => quota[f] ?? null), ...given],
  );
  return toQuota(r.rows[0]);
}

/** What the org stores now (all versions), as the commits left it. */
export async function getOrgUsage(db: Queryable, orgId: string): Promise<OrgUsage> {
  const r = await db.query<{ bytes: string; objects: string; buckets: string }>('SELECT bytes, objects, buckets FROM org_usage WHERE org_id = $1', [orgId]);
  const row = r.rows[0];
  return row ? { bytes: Number(row.bytes), objects: Number(row.objects), buckets: Number(row.buckets) } : { bytes: 0, objects: 0, buckets: 0 };
}

/** Per bucket, computed from the versions (not a hot path: for `exc buckets usage`). */
export async function getBucketUsage(db: Queryable, orgId: string): Promise<Array<{ bucket: string; bytes: number; objects: number }>> {
  const r = await db.query<{ name: string; bytes: string | null; objects: string }>(
    `SELECT b.name, sum(v.size) AS bytes, count(v.*) FILTER (WHERE NOT v.is_delete_marker) AS objects
       FROM buckets b LEFT JOIN object_versions v ON v.org_id = b.org_id AND v.bucket = b.name
      WHERE b.org_id = $1 GROUP BY b.name ORDER BY b.name COLLATE "C"`,
    [orgId],
  );
  return r.rows.map((row) => ({ bucket: row.name, bytes: Number(row.bytes ?? 0), objects: Number(row.objects) }));
}
