import type { Pool, PoolClient } from 'pg';
import type { BucketInfo, ObjectVersion, PutObjectCommit, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { VERSION_COLUMNS, quoteEtag, toObjectVersion, type VersionRow } from './rows';
import { refusable } from './sql-errors';
import { assertValidVersionId, newVersionId } from './version-id';
import { parseEtagList } from './write-conditions';

/**
 * Object versions. Each write is one transaction: bucket row share-locked (a concurrent bucket
 * delete waits, and sees the write), key locked, conditions checked, version published. The commit
 * is the linearization point for read-after-write and list-after-write. PutObject and DeleteObject
 * are one statement each (SQL functions of migration 006): one round trip, no BEGIN/COMMIT.
 */

export interface DeleteObjectResult {
  versionId?: string;
  deleteMarker: boolean;
}

/**
 * One statement, in its own transaction: put_object_version (migration 006) locks the bucket row
 * and the key, checks the conditions and publishes the version, usage last.
 */
export async function putObject(pool: Pool, orgId: OrgId, bucket: string, commit: PutObjectCommit): Promise<ObjectVersion> {
  const ifMatch = conditionParams(commit.ifMatch);
  const ifNoneMatch = conditionParams(commit.ifNoneMatch);
  const r = await refusable(
    pool.query<VersionRow>({
      name: 'put_object_version',
      text: `SELECT ${VERSION_COLUMNS} FROM put_object_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      values: [orgId, bucket, commit.key, newVersionId(), ...versionValues(commit), ...ifMatch, ...ifNoneMatch],
    }),
  );
  return toObjectVersion(r.rows[0]!);
}

/**
 * Publishes a new latest version inside the caller's transaction (bucket and key already locked,
 * conditions already checked): CompleteMultipartUpload. The org's usage changes last, in the same
 * transaction: a quota refusal rolls the version back, and the org row lock is held only from
 * there to COMMIT.
 */
export async function publishVersion(
  tx: PoolClient,
  orgId: OrgId,
  bucket: string,
  versioning: BucketInfo['versioning'],
  commit: Omit<PutObjectCommit, 'ifMatch' | 'ifNoneMatch'>,
): Promise<ObjectVersion> {
  const r = await refusable(
    tx.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM publish_object_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [orgId, bucket, commit.key, versioning, newVersionId(), ...versionValues(commit)],
    ),
  );
  return toObjectVersion(r.rows[0]!);
}

/** size, etag, headers, user_metadata, checksums, manifest, acl, tags: as the functions take them. */
function versionValues(commit: Omit<PutObjectCommit, 'ifMatch' | 'ifNoneMatch'>): unknown[] {
  return [
    commit.size,
    quoteEtag(commit.etag),
    JSON.stringify(commit.headers ?? {}),
    JSON.stringify(commit.userMetadata ?? {}),
    JSON.stringify(commit.checksums ?? {}),
    JSON.stringify(commit.manifest),
    commit.acl ?? 'private',
    commit.tags?.length ? JSON.stringify(commit.tags) : null,
  ];
}

/** An absent condition is [null, false]; else the tags it lists (unquoted) and whether it lists '*'. */
function conditionParams(condition: string | undefined): [string[] | null, boolean] {
  if (condition === undefined) return [null, false];
  const list = parseEtagList(condition);
  return [list.tags, list.any];
}

// One round trip tells "no bucket" from "no version": the bucket row joins to at most one version.
// Named (prepared once per connection): the hot read skips parse and plan.
const getVersionSql = (match: string) => `SELECT b.name AS bucket_name, ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}
   FROM buckets b
   LEFT JOIN object_versions v ON v.org_id = b.org_id AND v.bucket = b.name AND v.key = $3 AND ${match}
  WHERE b.org_id = $1 AND b.name = $2`;
const GET_LATEST = getVersionSql('v.is_latest');
const GET_NAMED = getVersionSql('v.version_id = $4');

/** The latest version, or the one named; a delete marker is never returned as an object. */
export async function getObject(db: Queryable, orgId: OrgId, bucket: string, key: string, versionId: string | undefined): Promise<ObjectVersion> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  const r = await db.query<VersionRow & { bucket_name: string }>(
    versionId === undefined
      ? { name: 'get_latest_version', text: GET_LATEST, values: [orgId, bucket, key] }
      : { name: 'get_named_version', text: GET_NAMED, values: [orgId, bucket, key, versionId] },
  );
  if (r.rows.length === 0) throw noSuchBucket(bucket);
  const row = r.rows[0];
  if (row.version_id === null) {
    if (versionId !== undefined) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    throw new S3Error('NoSuchKey');
  }
  if (row.is_delete_marker) {
    // S3 tells the client that the key is hidden by a delete marker, and which one.
    const headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': row.version_id };
    if (versionId === undefined) throw new S3Error('NoSuchKey', undefined, {}, { headers });
    // S3 refuses to read a delete marker by version id.
    throw new S3Error('MethodNotAllowed', undefined, { Method: 'GET', ResourceType: 'DeleteMarker' }, { headers: { ...headers, allow: 'DELETE' } });
  }
  return toObjectVersion(row);
}

export async function deleteObject(pool: Pool, orgId: OrgId, bucket: string, key: string, versionId: string | undefined): Promise<DeleteObjectResult> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  // One statement, in its own transaction: delete_object_version (migration 006).
  const r = await refusable(
    pool.query<{ r_version_id: string | null; r_delete_marker: boolean }>({
      name: 'delete_object_version',
      text: 'SELECT r_version_id, r_delete_marker FROM delete_object_version($1, $2, $3, $4, $5)',
      values: [orgId, bucket, key, versionId ?? null, newVersionId()],
    }),
  );
  const row = r.rows[0]!;
  return row.r_version_id === null ? { deleteMarker: row.r_delete_marker } : { versionId: row.r_version_id, deleteMarker: row.r_delete_marker };
}

/**
 * KEY SHARE: concurrent writes to one bucket do not block each other, but a bucket delete
 * (FOR UPDATE) waits for them and they wait for it, then see the bucket gone.
 */
export async function lockBucketForWrite(tx: PoolClient, orgId: OrgId, bucket: string): Promise<BucketInfo['versioning']> {
  const r = await refusable(tx.query<{ versioning: BucketInfo['versioning'] }>('SELECT lock_bucket_for_write($1, $2) AS versioning', [orgId, bucket]));
  return r.rows[0]!.versioning;
}

/** If-Match / If-None-Match against the live latest version; the caller holds the key lock (Complete). */
export async function checkWriteConditions(tx: PoolClient, orgId: OrgId, bucket: string, key: string, cond: { ifMatch?: string; ifNoneMatch?: string }): Promise<void> {
  await refusable(
    tx.query('SELECT check_write_conditions($1, $2, $3, $4, $5, $6, $7)', [orgId, bucket, key, ...conditionParams(cond.ifMatch), ...conditionParams(cond.ifNoneMatch)]),
  );
}
