import type { Queryable } from './db';
import type { CorsRule, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';

/** S3 caps a CORS configuration at 100 rules. */
export const MAX_CORS_RULES = 100;
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

/** A rule list as it travels on the wire; the gateway has already validated it against S3's rules. */
export function parseCorsRules(value: unknown): CorsRule[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CORS_RULES) throw new S3Error('MalformedXML', 'rules must be a non-empty array');
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return value.map((raw) => {
    const r = raw as Partial<CorsRule> | null;
    if (!r || !strings(r.allowedMethods) || !strings(r.allowedOrigins) || !strings(r.allowedHeaders) || !strings(r.exposeHeaders)) throw new S3Error('MalformedXML');
    if (!r.allowedMethods!.every((m) => METHODS.has(m)) || r.allowedOrigins!.length === 0 || r.allowedMethods!.length === 0) throw new S3Error('MalformedXML');
    if (r.maxAgeSeconds !== undefined && !Number.isSafeInteger(r.maxAgeSeconds)) throw new S3Error('MalformedXML');
    if (r.id !== undefined && typeof r.id !== 'string') throw new S3Error('MalformedXML');
    return { id: r.id, allowedMethods: r.allowedMethods!, allowedOrigins: r.allowedOrigins!, allowedHeaders: r.allowedHeaders!, exposeHeaders: r.exposeHeaders!, maxAgeSeconds: r.maxAgeSeconds };
  });
}

/** The bucket's CORS rules, or null when none are configured (NoSuchBucket when there is no bucket). */
export async function getBucketCors(db: Queryable, orgId: OrgId, bucket: string): Promise<CorsRule[] | null> {
  const r = await db.query<{ cors: CorsRule[] | null }>('SELECT cors FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (r.rows.length === 0) throw noSuchBucket(bucket);
  return r.rows[0]!.cors;
}

/** Replaces (rules) or removes (null) the bucket's CORS configuration. */
export async function setBucketCors(db: Queryable, orgId: OrgId, bucket: string, rules: CorsRule[] | null): Promise<void> {
  const r = await db.query('UPDATE buckets SET cors = $3 WHERE org_id = $1 AND name = $2', [orgId, bucket, rules ? JSON.stringify(rules) : null]);
  if (r.rowCount === 0) throw noSuchBucket(bucket);
}
