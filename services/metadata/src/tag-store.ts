import type { Pool } from 'pg';
import type { ObjectTag, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import { lockKey, withTransaction } from './db';
import { NULL_VERSION_ID, assertValidVersionId } from './version-id';

/** The limits S3 documents for object tags; the gateway checks them first, this is the last line. */
export const MAX_TAGS = 10;

/** A tag set as it travels on the wire: a short array of string pairs (null/absent means none). */
export function parseTags(value: unknown): ObjectTag[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_TAGS) throw new S3Error('InvalidTag', `tags must be an array of at most ${MAX_TAGS}`);
  return value.map((t) => {
    const tag = t as Partial<ObjectTag> | null;
    if (typeof tag?.key !== 'string' || typeof tag.value !== 'string' || tag.key.length === 0 || tag.key.length > 128 || tag.value.length > 256) {
      throw new S3Error('InvalidTag', 'each tag needs a key (1-128 characters) and a value (up to 256)');
    }
    return { key: tag.key, value: tag.value };
  });
}

export interface TaggedVersion {
  versionId: string;
  tags: ObjectTag[];
}

/** The tags of one version (the latest when none is named); a delete marker has no tags to read. */
export async function getObjectTags(pool: Pool, orgId: OrgId, bucket: string, key: string, versionId: string | undefined): Promise<TaggedVersion> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  const r = await pool.query<{ bucket_exists: boolean; version_id: string | null; tags: ObjectTag[] | null; is_delete_marker: boolean | null }>(
    `SELECT true AS bucket_exists, v.version_id, v.tags, v.is_delete_marker
       FROM buckets b
       LEFT JOIN object_versions v ON v.org_id = b.org_id AND v.bucket = b.name AND v.key = $3
        AND ${versionId === undefined ? 'v.is_latest' : 'v.version_id = $4'}
      WHERE b.org_id = $1 AND b.name = $2`,
    versionId === undefined ? [orgId, bucket, key] : [orgId, bucket, key, versionId],
  );
  const row = r.rows[0];
  if (!row) throw noSuchBucket(bucket);
  if (row.version_id === null || row.is_delete_marker) throw missing(key, versionId);
  return { versionId: row.version_id, tags: row.tags ?? [] };
}

/** Replaces the tag set of one version (an empty set deletes it), under the key's write lock. */
export async function setObjectTags(pool: Pool, orgId: OrgId, bucket: string, key: string, versionId: string | undefined, tags: ObjectTag[]): Promise<{ versionId: string }> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  return withTransaction(pool, async (tx) => {
    const b = await tx.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
    if (b.rows.length === 0) throw noSuchBucket(bucket);
    await lockKey(tx, orgId, bucket, key);
    const params: unknown[] = [orgId, bucket, key, tags.length ? JSON.stringify(tags) : null];
    if (versionId !== undefined) params.push(versionId);
    const r = await tx.query<{ version_id: string }>(
      `UPDATE object_versions SET tags = $4::jsonb
        WHERE org_id = $1 AND bucket = $2 AND key = $3 AND NOT is_delete_marker AND ${versionId === undefined ? 'is_latest' : 'version_id = $5'}
        RETURNING version_id`,
      params,
    );
    if (r.rows.length === 0) throw missing(key, versionId);
    return { versionId: r.rows[0]!.version_id };
  });
}

function missing(key: string, versionId: string | undefined): S3Error {
  if (versionId !== undefined && versionId !== NULL_VERSION_ID) return new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
  return new S3Error('NoSuchKey', undefined, { Key: key });
}
