import { S3Error } from '@excloud/s3-protocol';
import type { Queryable } from './db';

/**
 * Org usage counters and quotas. Counters change inside the commit transaction of whatever they
 * count, with one statement (apply_org_usage: an upsert, then the quota check), issued last so the
 * row lock it takes is held only until COMMIT. An org's counters are stripes summed by readers
 * (migration 007): writers of an org with a quota all take stripe 0 and serialise there, which
 * is what makes the quota exact under concurrency; writers of other orgs take their backend's
 * stripe and do not wait for each other.
 */

/** How many counter rows an org has at most (apply_org_usage picks among them). */
export const USAGE_STRIPES = 16;

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
  max_bytes: string | number | null;
  max_objects: string | number | null;
  max_buckets: string | number | null;
  max_object_bytes: string | number | null;
}

const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function toQuota(r: QuotaRow | null | undefined): OrgQuota {
  if (!r) return { ...NO_QUOTA };
  return { maxBytes: num(r.max_bytes), maxObjects: num(r.max_objects), maxBuckets: num(r.max_buckets), maxObjectBytes: num(r.max_object_bytes) };
}

/**
 * Applies a change to the org's counters inside the caller's transaction and refuses it (the
 * caller's transaction then rolls back) when a quota would be exceeded. Only growth is checked:
 * a delete, or an overwrite with a smaller object, always succeeds, even over a lowered quota.
 * The upsert and the check are apply_org_usage (migrations 006 and 007), which the write functions call too.
 */
export async function applyUsage(tx: Queryable, orgId: string, delta: UsageDelta, opts: { objectSize?: number; force?: boolean } = {}): Promise<void> {
  const d = { bytes: delta.bytes ?? 0, objects: delta.objects ?? 0, buckets: delta.buckets ?? 0 };
  if (d.bytes === 0 && d.objects === 0 && d.buckets === 0 && opts.objectSize === undefined) return;
  try {
    await tx.query('SELECT apply_org_usage($1, $2, $3, $4, $5, $6)', [orgId, d.bytes, d.objects, d.buckets, opts.objectSize ?? null, opts.force ?? false]);
  } catch (err) {
    throw quotaRefusal(err) ?? err;
  }
}

/** SQLSTATE of apply_org_usage's refusal; its detail holds the quota and the usage after the change. */
const QUOTA_REFUSAL = 'S3QTA';

/** The QuotaExceeded error, with the message naming the limit, for apply_org_usage's refusal. */
export function quotaRefusal(err: unknown): S3Error | undefined {
  const e = err as { code?: string; detail?: string } | null;
  if (e?.code !== QUOTA_REFUSAL) return undefined;
  const d = JSON.parse(e.detail ?? '{}') as { quota: QuotaRow | null; delta: Required<UsageDelta>; after: OrgUsage; objectSize: number | null };
  return new S3Error('QuotaExceeded', quotaViolation(toQuota(d.quota), d.delta, d.after, d.objectSize ?? undefined));
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
  // The org's counters are stripes (migration 007): the usage is their sum.
  const r = await db.query<{ bytes: string; objects: string; buckets: string }>(
    'SELECT coalesce(sum(bytes), 0) AS bytes, coalesce(sum(objects), 0) AS objects, coalesce(sum(buckets), 0) AS buckets FROM org_usage WHERE org_id = $1',
    [orgId],
  );
  const row = r.rows[0]!;
  return { bytes: Number(row.bytes), objects: Number(row.objects), buckets: Number(row.buckets) };
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
