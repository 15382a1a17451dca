import type { OrgUsage } from '@excloud/contracts';
import type { Queryable } from './db';

/**
 * What an org stores, computed from the version rows: bytes count every stored version (noncurrent
 * ones cost storage too), objects count the current, non-deleted keys. One grouped scan of the
 * org's rows; metered counters kept with each commit (issue 11, item 6/7) replace this for billing.
 */
export async function orgUsage(db: Queryable, orgId: string): Promise<OrgUsage> {
  const r = await db.query<{ name: string; objects: string; versions: string; bytes: string }>(
    `SELECT b.name,
            count(v.key) FILTER (WHERE v.is_latest AND NOT v.is_delete_marker) AS objects,
            count(v.key) FILTER (WHERE NOT v.is_delete_marker) AS versions,
            coalesce(sum(v.size) FILTER (WHERE NOT v.is_delete_marker), 0) AS bytes
       FROM buckets b
       LEFT JOIN object_versions v ON v.org_id = b.org_id AND v.bucket = b.name
      WHERE b.org_id = $1
      GROUP BY b.name
      ORDER BY b.name COLLATE "C"`,
    [orgId],
  );
  const buckets = r.rows.map((row) => ({ name: row.name, objects: Number(row.objects), versions: Number(row.versions), bytes: Number(row.bytes) }));
  const total = buckets.reduce((t, b) => ({ buckets: t.buckets + 1, objects: t.objects + b.objects, versions: t.versions + b.versions, bytes: t.bytes + b.bytes }), {
    buckets: 0,
    objects: 0,
    versions: 0,
    bytes: 0,
  });
  return { total, buckets };
}
