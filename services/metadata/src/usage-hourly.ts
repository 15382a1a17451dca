import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { withTransaction, type Queryable } from './db';

/**
 * Billing rows, one per org per UTC hour. Request and transfer counters arrive batched from the
 * gateways (recordRequestUsage); storage comes from rolling up org_usage's byte-second integral
 * (rollupStorage, a janitor job), which the commit path keeps exact at no extra cost.
 */

export interface RequestUsage {
  /** Start of the UTC hour the requests were served in. */
  hour: string;
  classA: number;
  classB: number;
  ingressBytes: number;
  egressBytes: number;
}

export interface HourlyUsage extends RequestUsage {
  /** Exact integral of bytes stored over the hour, as a decimal string (it outgrows 2^53). */
  byteSeconds: string;
  /** byteSeconds / 3600: the time-weighted bytes stored over a full hour. */
  averageBytes: number;
  /** Bytes and objects stored when the hour was last rolled up. */
  bytesStored: number;
  objects: number;
}

const HOUR_MS = 3_600_000;
/** Gateways flush within seconds; a day covers a gateway that held counters through an outage. */
const MAX_REPORT_AGE_MS = 24 * HOUR_MS;

/** Validates a gateway's report: whole UTC hours, not in the future, not older than a day. */
export function parseRequestUsage(body: unknown, now = Date.now()): RequestUsage[] {
  const b = (body ?? {}) as { $version?: unknown; hours?: unknown };
  if (b.$version !== 1) throw new S3Error('InvalidArgument', 'usage report $version must be 1');
  if (!Array.isArray(b.hours) || b.hours.length === 0 || b.hours.length > 48) throw new S3Error('InvalidArgument', 'hours must be 1 to 48 entries');
  return b.hours.map((h: Record<string, unknown>) => {
    const hour = typeof h?.hour === 'string' ? Date.parse(h.hour) : NaN;
    if (!Number.isFinite(hour) || hour % HOUR_MS !== 0 || hour > now || hour < now - MAX_REPORT_AGE_MS) {
      throw new S3Error('InvalidArgument', `hour must be the start of a UTC hour within the last day: ${String(h?.hour)}`);
    }
    const count = (name: keyof RequestUsage) => {
      const v = h[name];
      if (!Number.isSafeInteger(v) || (v as number) < 0) throw new S3Error('InvalidArgument', `${name} must be a non-negative integer`);
      return v as number;
    };
    return { hour: new Date(hour).toISOString(), classA: count('classA'), classB: count('classB'), ingressBytes: count('ingressBytes'), egressBytes: count('egressBytes') };
  });
}

/** Adds a gateway's batched counters: one statement for all the hours it reports. */
export async function recordRequestUsage(db: Queryable, orgId: string, rows: RequestUsage[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO usage_hourly AS u (org_id, hour, class_a_requests, class_b_requests, ingress_bytes, egress_bytes)
     SELECT $1, * FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
     ON CONFLICT (org_id, hour) DO UPDATE SET
       class_a_requests = u.class_a_requests + EXCLUDED.class_a_requests,
       class_b_requests = u.class_b_requests + EXCLUDED.class_b_requests,
       ingress_bytes = u.ingress_bytes + EXCLUDED.ingress_bytes,
       egress_bytes = u.egress_bytes + EXCLUDED.egress_bytes`,
    [orgId, rows.map((r) => r.hour), rows.map((r) => r.classA), rows.map((r) => r.classB), rows.map((r) => r.ingressBytes), rows.map((r) => r.egressBytes)],
  );
}

/** Hourly rows with `from <= hour < to`, oldest first. */
export async function getUsageHourly(db: Queryable, orgId: string, from: Date, to: Date): Promise<HourlyUsage[]> {
  const r = await db.query<{
    hour: Date;
    byte_seconds: string;
    bytes_stored: string;
    objects: string;
    class_a_requests: string;
    class_b_requests: string;
    ingress_bytes: string;
    egress_bytes: string;
  }>(
    `SELECT hour, round(byte_seconds)::text AS byte_seconds, bytes_stored, objects, class_a_requests, class_b_requests, ingress_bytes, egress_bytes
       FROM usage_hourly WHERE org_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour LIMIT 10000`,
    [orgId, from, to],
  );
  return r.rows.map((row) => ({
    hour: row.hour.toISOString(),
    byteSeconds: row.byte_seconds,
    averageBytes: Math.round(Number(row.byte_seconds) / 3600),
    bytesStored: Number(row.bytes_stored),
    objects: Number(row.objects),
    classA: Number(row.class_a_requests),
    classB: Number(row.class_b_requests),
    ingressBytes: Number(row.ingress_bytes),
    egressBytes: Number(row.egress_bytes),
  }));
}

/**
 * Moves the byte-second integral accumulated since the last rollup into the hours it belongs to.
 * The part in the current hour is exact: the integral at the hour's start is known (stored by the
 * commit path when a change crosses an hour, or extrapolated when nothing changed since). Only
 * when the rollup did not run for more than an hour is the earlier part spread over the hours it
 * spans in proportion to time. Each counter stripe (migration 007) rolls up its own integral and
 * the org's hours get their sum; a stripe locked by a commit right now is skipped (SKIP LOCKED)
 * and caught up on the next run, since the integral loses nothing by waiting.
 */
export async function rollupStorage(pool: Pool, opts: { afterOrgId?: string; limit: number }): Promise<{ rolled: number; nextAfter: string | null }> {
  return withTransaction(pool, async (tx) => {
    const orgs = await tx.query<{ org_id: string }>('SELECT DISTINCT org_id FROM org_usage WHERE org_id > $1 ORDER BY org_id LIMIT $2', [
      opts.afterOrgId ?? '',
      opts.limit,
    ]);
    const ids = orgs.rows.map((r) => r.org_id);
    // Locked first, read after by a statement of its own: it then sees every commit that held them.
    const locked = await tx.query<{ org_id: string; stripe: number }>(
      'SELECT org_id, stripe FROM org_usage WHERE org_id = ANY($1) FOR UPDATE SKIP LOCKED',
      [ids],
    );
    if (locked.rows.length > 0) await tx.query(ROLLUP, [locked.rows.map((r) => r.org_id), locked.rows.map((r) => r.stripe)]);
    return { rolled: ids.length, nextAfter: ids.length === opts.limit ? ids.at(-1)! : null };
  });
}

// A stripe alone may hold negative counts (see migration 007): only the sums per org are tested.
const ROLLUP = `
WITH picked AS (
  SELECT * FROM unnest($1::text[], $2::smallint[]) AS p(org_id, stripe)
),
s AS (
  SELECT u.org_id, u.stripe, u.rolled_byte_seconds, u.rolled_at, t.ts, date_trunc('hour', t.ts, 'UTC') AS h,
         u.byte_seconds + u.bytes * greatest(0, extract(epoch FROM t.ts - u.changed_at)) AS i_now,
         CASE WHEN u.changed_at >= date_trunc('hour', t.ts, 'UTC') THEN u.hour_start_byte_seconds
              ELSE u.byte_seconds + u.bytes * extract(epoch FROM date_trunc('hour', t.ts, 'UTC') - u.changed_at) END AS i_hour
    FROM org_usage u JOIN picked USING (org_id, stripe), (SELECT clock_timestamp() AS ts) t
),
total AS (
  SELECT org_id, sum(bytes) AS bytes, sum(objects) AS objects
    FROM org_usage WHERE org_id IN (SELECT org_id FROM picked) GROUP BY org_id
),
now_part AS (
  SELECT org_id, h, sum(CASE WHEN rolled_at >= h THEN i_now - rolled_byte_seconds ELSE i_now - i_hour END) AS byte_seconds
    FROM s GROUP BY org_id, h
),
earlier_part AS (
  SELECT s.org_id, g.hour,
         sum((s.i_hour - s.rolled_byte_seconds)
           * extract(epoch FROM least(g.hour + interval '1 hour', s.h) - greatest(g.hour, s.rolled_at))
           / extract(epoch FROM s.h - s.rolled_at)) AS byte_seconds
    FROM s CROSS JOIN LATERAL generate_series(date_trunc('hour', s.rolled_at, 'UTC'), s.h - interval '1 hour', interval '1 hour') AS g(hour)
   WHERE s.rolled_at < s.h AND s.i_hour <> s.rolled_byte_seconds
   GROUP BY s.org_id, g.hour
),
current_hour AS (
  INSERT INTO usage_hourly AS x (org_id, hour, byte_seconds, bytes_stored, objects)
  SELECT n.org_id, n.h, n.byte_seconds, t.bytes, t.objects FROM now_part n JOIN total t USING (org_id)
   WHERE t.bytes > 0 OR n.byte_seconds <> 0
  ON CONFLICT (org_id, hour) DO UPDATE SET
    byte_seconds = x.byte_seconds + EXCLUDED.byte_seconds, bytes_stored = EXCLUDED.bytes_stored, objects = EXCLUDED.objects
),
earlier_hours AS (
  INSERT INTO usage_hourly AS x (org_id, hour, byte_seconds, bytes_stored, objects)
  SELECT e.org_id, e.hour, e.byte_seconds, t.bytes, t.objects FROM earlier_part e JOIN total t USING (org_id)
   WHERE e.byte_seconds <> 0
  ON CONFLICT (org_id, hour) DO UPDATE SET byte_seconds = x.byte_seconds + EXCLUDED.byte_seconds
)
UPDATE org_usage u SET rolled_byte_seconds = s.i_now, rolled_at = s.ts FROM s WHERE u.org_id = s.org_id AND u.stripe = s.stripe`;
