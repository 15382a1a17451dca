import type { Pool } from 'pg';
import type { AclGrant, AclSetting, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { lockKey, withTransaction } from './db';
import { NULL_VERSION_ID, assertValidVersionId } from './version-id';

export const CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control'];

export function parseAclSetting(body: unknown): AclSetting {
  const b = (body ?? {}) as { acl?: unknown; grants?: unknown };
  if (b.grants !== undefined) {
    if (!Array.isArray(b.grants)) throw new S3Error('MalformedACLError');
    return { acl: 'custom', grants: b.grants as AclGrant[] };
  }
  if (typeof b.acl !== 'string' || !CANNED_ACLS.includes(b.acl)) throw new S3Error('InvalidArgument', 'unknown canned ACL', { ArgumentName: 'x-amz-acl' });
  return { acl: b.acl };
}

export { isPublicRead } from '@excloud/contracts';

export async function setBucketAcl(db: Queryable, orgId: OrgId, bucket: string, setting: AclSetting): Promise<void> {
  const r = await db.query('UPDATE buckets SET acl = $3, acl_grants = $4 WHERE org_id = $1 AND name = $2', [orgId, bucket, setting.acl, setting.grants ? JSON.stringify(setting.grants) : null]);
  if (r.rowCount === 0) throw noSuchBucket(bucket);
}

/** The ACL of one version (the latest when no version id is given); delete markers have none. */
export async function setObjectAcl(pool: Pool, orgId: OrgId, bucket: string, key: string, versionId: string | undefined, setting: AclSetting): Promise<void> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  await withTransaction(pool, async (tx) => {
    const b = await tx.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
    if (b.rows.length === 0) throw noSuchBucket(bucket);
    await lockKey(tx, orgId, bucket, key);
    const match = versionId === undefined ? 'is_latest' : 'version_id = $5';
    const params: unknown[] = [orgId, bucket, key, setting.grants ? JSON.stringify(setting.grants) : null, setting.acl];
    const r = await tx.query(
      `UPDATE object_versions SET acl = $5, acl_grants = $4::jsonb
        WHERE org_id = $1 AND bucket = $2 AND key = $3 AND NOT is_delete_marker AND ${versionId === undefined ? match : 'version_id = $6'}`,
      versionId === undefined ? params : [...params, versionId],
    );
    if (r.rowCount === 0) {
      if (versionId !== undefined && versionId !== NULL_VERSION_ID) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
      throw new S3Error('NoSuchKey');
    }
  });
}
