import type { Pool } from 'pg';
import { withTransaction } from './db';
import { applyUsage, USAGE_STRIPES, type OrgUsage } from './usage-store';

export interface UsageDrift {
  orgId: string;
  counted: OrgUsage;
  actual: OrgUsage;
}

/**
 * Recomputes each org's counters from its buckets and versions and reports (and, if asked,
 * corrects) any difference. Exact while writes go on: the org's usage rows are locked first, so
 * every commit that changed the counters has committed before the recount reads, and every later
 * one applies its delta on top of the corrected value. A correction goes through applyUsage, so
 * the byte-second integral is advanced with the old value up to the moment of the fix.
 */
export async function reconcileUsage(
  pool: Pool,
  opts: { afterOrgId?: string; limit: number; correct: boolean },
): Promise<{ checked: number; drift: UsageDrift[]; nextAfter: string | null }> {
  const orgs = await pool.query<{ org_id: string }>(
    `SELECT org_id FROM (SELECT org_id FROM org_usage UNION SELECT org_id FROM buckets) o
      WHERE org_id > $1 ORDER BY org_id LIMIT $2`,
    [opts.afterOrgId ?? '', opts.limit],
  );
  const drift: UsageDrift[] = [];
  for (const { org_id: orgId } of orgs.rows) {
    const found = await withTransaction(pool, async (tx) => {
      // Every stripe exists and is locked (see migration 007): a commit that made its first row
      // now would be counted in the recount but not in the counters.
      await tx.query(
        `INSERT INTO org_usage (org_id, stripe) SELECT $1, s FROM generate_series(0, ${USAGE_STRIPES - 1}) AS s ON CONFLICT (org_id, stripe) DO NOTHING`,
        [orgId],
      );
      const locked = await tx.query<{ bytes: string; objects: string; buckets: string }>(
        `SELECT sum(bytes) AS bytes, sum(objects) AS objects, sum(buckets) AS buckets
           FROM (SELECT bytes, objects, buckets FROM org_usage WHERE org_id = $1 FOR UPDATE) AS stripes`,
        [orgId],
      );
      const actualRow = await tx.query<{ bytes: string; objects: string; buckets: string }>(
        `SELECT (SELECT coalesce(sum(size), 0) FROM object_versions WHERE org_id = $1) AS bytes,
                (SELECT count(*) FROM object_versions WHERE org_id = $1 AND NOT is_delete_marker) AS objects,
                (SELECT count(*) FROM buckets WHERE org_id = $1) AS buckets`,
        [orgId],
      );
      const counted = toUsage(locked.rows[0]!);
      const actual = toUsage(actualRow.rows[0]!);
      if (counted.bytes === actual.bytes && counted.objects === actual.objects && counted.buckets === actual.buckets) return undefined;
      if (opts.correct) {
        await applyUsage(tx, orgId, { bytes: actual.bytes - counted.bytes, objects: actual.objects - counted.objects, buckets: actual.buckets - counted.buckets }, { force: true });
      }
      return { orgId, counted, actual };
    });
    if (found) drift.push(found);
  }
  const n = orgs.rows.length;
  return { checked: n, drift, nextAfter: n === opts.limit ? orgs.rows[n - 1]!.org_id : null };
}

function toUsage(r: { bytes: string; objects: string; buckets: string }): OrgUsage {
  return { bytes: Number(r.bytes), objects: Number(r.objects), buckets: Number(r.buckets) };
}
