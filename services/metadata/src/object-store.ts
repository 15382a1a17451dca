import type { Pool, PoolClient } from 'pg';
import type { BucketInfo, ObjectVersion, PutObjectCommit, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import { lockKey, withTransaction, type Queryable } from './db';
import { enqueueUnreferencedBlobs, type OutboxReason } from './outbox';
import { VERSION_COLUMNS, quoteEtag, toObjectVersion, type VersionRow } from './rows';
import { applyUsage } from './usage-store';
import { NULL_VERSION_ID, assertValidVersionId, newVersionId } from './version-id';
import { assertWriteConditions } from './write-conditions';

/**
 * Object versions. Each write is one transaction: bucket row share-locked (a concurrent bucket
 * delete waits, and sees the write), key locked, conditions checked, version published. The commit
 * is the linearization point for read-after-write and list-after-write.
 */

export interface DeleteObjectResult {
  versionId?: string;
  deleteMarker: boolean;
}

export async function putObject(pool: Pool, orgId: OrgId, bucket: string, commit: PutObjectCommit): Promise<ObjectVersion> {
  return withTransaction(pool, async (tx) => {
    const versioning = await lockBucketForWrite(tx, orgId, bucket);
    await lockKey(tx, orgId, bucket, commit.key);
    const latest = await latestVersion(tx, orgId, bucket, commit.key);
    assertWriteConditions(commit, latest && !latest.is_delete_marker ? latest : undefined);
    return publishVersion(tx, orgId, bucket, versioning, commit);
  });
}

/**
 * Publishes a new latest version inside the caller's transaction (bucket and key already locked,
 * conditions already checked). Used by PutObject, CopyObject and CompleteMultipartUpload. The
 * org's usage changes last, in the same transaction: a quota refusal rolls the version back, and
 * the org row lock is held only from there to COMMIT.
 */
export async function publishVersion(
  tx: PoolClient,
  orgId: OrgId,
  bucket: string,
  versioning: BucketInfo['versioning'],
  commit: Omit<PutObjectCommit, 'ifMatch' | 'ifNoneMatch'>,
): Promise<ObjectVersion> {
  const versionId = versioning === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
  // Without versioning the write replaces the 'null' version, which need not be the latest one
  // (versioning may have been enabled and suspended since it was written).
  const replaced = versionId === NULL_VERSION_ID ? await removeVersion(tx, orgId, bucket, commit.key, NULL_VERSION_ID, 'overwrite') : undefined;
  await demoteLatest(tx, orgId, bucket, commit.key);
  const r = await tx.query<VersionRow>(
    `INSERT INTO object_versions
       (org_id, bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified, headers, user_metadata, checksums, manifest, acl, tags)
     VALUES ($1, $2, $3, $4, true, false, $5, $6, now(), $7, $8, $9, $10, $11, $12)
     RETURNING ${VERSION_COLUMNS}`,
    [
      orgId,
      bucket,
      commit.key,
      versionId,
      commit.size,
      quoteEtag(commit.etag),
      JSON.stringify(commit.headers ?? {}),
      JSON.stringify(commit.userMetadata ?? {}),
      JSON.stringify(commit.checksums ?? {}),
      JSON.stringify(commit.manifest),
      commit.acl ?? 'private',
      commit.tags?.length ? JSON.stringify(commit.tags) : null,
    ],
  );
  const freed = storedBy(replaced);
  await applyUsage(tx, orgId, { bytes: commit.size - freed.bytes, objects: 1 - freed.objects }, { objectSize: commit.size });
  return toObjectVersion(r.rows[0]);
}

/** The latest version, or the one named; a delete marker is never returned as an object. */
export async function getObject(db: Queryable, orgId: OrgId, bucket: string, key: string, versionId: string | undefined): Promise<ObjectVersion> {
  if (versionId !== undefined) assertValidVersionId(versionId);
  // One round trip tells "no bucket" from "no version": the bucket row joins to at most one version.
  const match = versionId === undefined ? 'v.is_latest' : 'v.version_id = $4';
  const r = await db.query<VersionRow & { bucket_name: string }>(
    `SELECT b.name AS bucket_name, ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}
       FROM buckets b
       LEFT JOIN object_versions v ON v.org_id = b.org_id AND v.bucket = b.name AND v.key = $3 AND ${match}
      WHERE b.org_id = $1 AND b.name = $2`,
    versionId === undefined ? [orgId, bucket, key] : [orgId, bucket, key, versionId],
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
  return withTransaction(pool, async (tx) => {
    const versioning = await lockBucketForWrite(tx, orgId, bucket);
    await lockKey(tx, orgId, bucket, key);

    if (versionId !== undefined) {
      // Deleting a version that does not exist succeeds, as in S3.
      const removed = await removeVersion(tx, orgId, bucket, key, versionId, 'delete');
      if (removed?.is_latest) await promoteNewest(tx, orgId, bucket, key);
      await releaseUsage(tx, orgId, removed);
      return { versionId, deleteMarker: removed?.is_delete_marker ?? false };
    }
    if (versioning === 'Unversioned') {
      await releaseUsage(tx, orgId, await removeVersion(tx, orgId, bucket, key, NULL_VERSION_ID, 'delete'));
      return { deleteMarker: false };
    }
    const markerId = versioning === 'Enabled' ? newVersionId() : NULL_VERSION_ID;
    const replaced = markerId === NULL_VERSION_ID ? await removeVersion(tx, orgId, bucket, key, NULL_VERSION_ID, 'delete') : undefined;
    await demoteLatest(tx, orgId, bucket, key);
    await tx.query(
      `INSERT INTO object_versions (org_id, bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified)
       VALUES ($1, $2, $3, $4, true, true, 0, NULL, now())`,
      [orgId, bucket, key, markerId],
    );
    await releaseUsage(tx, orgId, replaced);
    return { versionId: markerId, deleteMarker: true };
  });
}

/**
 * KEY SHARE: concurrent writes to one bucket do not block each other, but a bucket delete
 * (FOR UPDATE) waits for them and they wait for it, then see the bucket gone.
 */
export async function lockBucketForWrite(tx: PoolClient, orgId: OrgId, bucket: string): Promise<BucketInfo['versioning']> {
  const r = await tx.query<{ versioning: BucketInfo['versioning'] }>(
    'SELECT versioning FROM buckets WHERE org_id = $1 AND name = $2 FOR KEY SHARE',
    [orgId, bucket],
  );
  if (r.rows.length === 0) throw noSuchBucket(bucket);
  return r.rows[0].versioning;
}

export async function latestVersion(tx: PoolClient, orgId: OrgId, bucket: string, key: string) {
  const r = await tx.query<{ etag: string | null; is_delete_marker: boolean }>(
    'SELECT etag, is_delete_marker FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 AND is_latest',
    [orgId, bucket, key],
  );
  return r.rows[0];
}

async function demoteLatest(tx: PoolClient, orgId: OrgId, bucket: string, key: string): Promise<void> {
  await tx.query('UPDATE object_versions SET is_latest = false WHERE org_id = $1 AND bucket = $2 AND key = $3 AND is_latest', [orgId, bucket, key]);
}

/** Unpublishes one version; its blobs go to the outbox in the same transaction. */
async function removeVersion(tx: PoolClient, orgId: OrgId, bucket: string, key: string, versionId: string, reason: OutboxReason) {
  const r = await tx.query<Pick<VersionRow, 'is_latest' | 'is_delete_marker' | 'manifest' | 'size'>>(
    `DELETE FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 AND version_id = $4
     RETURNING is_latest, is_delete_marker, manifest, size`,
    [orgId, bucket, key, versionId],
  );
  const removed = r.rows[0];
  if (removed) await enqueueUnreferencedBlobs(tx, orgId, removed.manifest, reason);
  return removed;
}

/** After the latest version is removed, the newest remaining one (by write order) becomes latest. */
async function promoteNewest(tx: PoolClient, orgId: OrgId, bucket: string, key: string): Promise<void> {
  await tx.query(
    `UPDATE object_versions SET is_latest = true
      WHERE org_id = $1 AND bucket = $2 AND key = $3
        AND seq = (SELECT max(seq) FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3)`,
    [orgId, bucket, key],
  );
}

/** What a removed version counted for: delete markers take no bytes and are not objects. */
function storedBy(removed: Pick<VersionRow, 'is_delete_marker' | 'size'> | undefined): { bytes: number; objects: number } {
  if (!removed || removed.is_delete_marker) return { bytes: 0, objects: 0 };
  return { bytes: Number(removed.size), objects: 1 };
}

async function releaseUsage(tx: PoolClient, orgId: string, removed: Pick<VersionRow, 'is_delete_marker' | 'size'> | undefined): Promise<void> {
  const freed = storedBy(removed);
  await applyUsage(tx, orgId, { bytes: -freed.bytes, objects: -freed.objects });
}
