import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { CreateUploadRequest, ListPartsResult, ManifestPart, UploadInfo, UploadPartRecord, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import { withTransaction, type Queryable } from './db';
import { enqueueUnreferencedBlobs } from './outbox';

/**
 * Multipart uploads and parts. A part write locks the upload row (NO KEY UPDATE) and Complete/Abort
 * take it FOR UPDATE, so a part either lands before Complete sees the list or fails with
 * NoSuchUpload (and the gateway discards its blob).
 */

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: Date;
  headers: UploadInfo['headers'];
  user_metadata: Record<string, string>;
  checksum_algorithm: UploadInfo['checksumAlgorithm'] | null;
  checksum_type: UploadInfo['checksumType'] | null;
  acl: string;
  tags: UploadInfo['tags'] | null;
}

export interface PartRow {
  part_number: number;
  size: number;
  etag: string;
  checksums: UploadPartRecord['checksums'];
  blob: ManifestPart;
  last_modified: Date;
}

const UPLOAD_COLUMNS = 'upload_id, bucket, key, initiated, headers, user_metadata, checksum_algorithm, checksum_type, acl, tags';
const PART_COLUMNS = 'part_number, size, etag, checksums, blob, last_modified';

export function toUploadInfo(r: UploadRow): UploadInfo {
  return {
    uploadId: r.upload_id,
    bucket: r.bucket,
    key: r.key,
    initiated: r.initiated.toISOString(),
    headers: r.headers ?? {},
    userMetadata: r.user_metadata ?? {},
    checksumAlgorithm: r.checksum_algorithm ?? undefined,
    checksumType: r.checksum_type ?? undefined,
    acl: r.acl,
    tags: r.tags?.length ? r.tags : undefined,
  };
}

export function toPartRecord(r: PartRow): UploadPartRecord {
  return { partNumber: r.part_number, size: Number(r.size), etag: r.etag, checksums: r.checksums ?? {}, blob: r.blob, lastModified: r.last_modified.toISOString() };
}

/**
 * Hex, not base64url: an id starting with '-' reads as an option to CLI parsers (the aws cli's
 * `--upload-id -mNG…` fails with "expected one argument"), and S3's own ids never start with one.
 */
export function newUploadId(): string {
  return randomBytes(24).toString('hex');
}

export async function createUpload(db: Queryable, orgId: OrgId, bucket: string, req: CreateUploadRequest): Promise<UploadInfo> {
  const r = await db.query<UploadRow>(
    `INSERT INTO multipart_uploads (org_id, bucket, upload_id, key, headers, user_metadata, checksum_algorithm, checksum_type, acl, tags)
     SELECT org_id, name, $3, $4, $5, $6, $7, $8, $9, $10 FROM buckets WHERE org_id = $1 AND name = $2
     RETURNING ${UPLOAD_COLUMNS}`,
    [
      orgId,
      bucket,
      newUploadId(),
      req.key,
      JSON.stringify(req.headers ?? {}),
      JSON.stringify(req.userMetadata ?? {}),
      req.checksumAlgorithm ?? null,
      req.checksumType ?? null,
      req.acl ?? 'private',
      req.tags?.length ? JSON.stringify(req.tags) : null,
    ],
  );
  if (r.rows.length === 0) throw noSuchBucket(bucket);
  return toUploadInfo(r.rows[0]);
}

/** The upload, locked as asked; NoSuchBucket / NoSuchUpload otherwise (an id under another key is no upload). */
export async function findUpload(db: Queryable, orgId: OrgId, bucket: string, key: string, uploadId: string, lock = ''): Promise<UploadInfo> {
  const r = await db.query<UploadRow>(
    `SELECT ${UPLOAD_COLUMNS} FROM multipart_uploads WHERE org_id = $1 AND bucket = $2 AND upload_id = $3 AND key = $4 ${lock}`,
    [orgId, bucket, uploadId, key],
  );
  if (r.rows.length === 0) {
    const b = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
    if (b.rows.length === 0) throw noSuchBucket(bucket);
    throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
  }
  return toUploadInfo(r.rows[0]);
}

export async function putPart(pool: Pool, orgId: OrgId, bucket: string, key: string, uploadId: string, part: Omit<UploadPartRecord, 'lastModified'>): Promise<UploadPartRecord> {
  return withTransaction(pool, async (tx) => {
    // NO KEY UPDATE, not SHARE: this transaction also bumps last_activity, and two parts both
    // holding SHARE and then updating the row would deadlock. Part commits of one upload are
    // serialised (milliseconds each); their bodies still stream in parallel.
    await findUpload(tx, orgId, bucket, key, uploadId, 'FOR NO KEY UPDATE');
    // Two uploads of one part number race on the same row: serialise them so the loser's
    // superseded blob is never dropped without an outbox row.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1))', [`${orgId}\u0001${uploadId}\u0001${part.partNumber}`]);
    const old = await tx.query<{ blob: ManifestPart }>(
      'SELECT blob FROM upload_parts WHERE org_id = $1 AND bucket = $2 AND upload_id = $3 AND part_number = $4',
      [orgId, bucket, uploadId, part.partNumber],
    );
    if (old.rows[0]) await enqueueUnreferencedBlobs(tx, orgId, [old.rows[0].blob], 'superseded-part');
    const r = await tx.query<PartRow>(
      `INSERT INTO upload_parts (org_id, bucket, upload_id, part_number, size, etag, checksums, blob, blob_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (org_id, bucket, upload_id, part_number) DO UPDATE
         SET size = excluded.size, etag = excluded.etag, checksums = excluded.checksums, blob = excluded.blob,
             blob_id = excluded.blob_id, last_modified = now()
       RETURNING ${PART_COLUMNS}`,
      [orgId, bucket, uploadId, part.partNumber, part.size, part.etag, JSON.stringify(part.checksums ?? {}), JSON.stringify(part.blob), part.blob.blobId],
    );
    await tx.query('UPDATE multipart_uploads SET last_activity = now() WHERE org_id = $1 AND bucket = $2 AND upload_id = $3', [orgId, bucket, uploadId]);
    return toPartRecord(r.rows[0]);
  });
}

export async function uploadParts(db: Queryable, orgId: OrgId, bucket: string, uploadId: string, after = 0, limit = 10_001): Promise<PartRow[]> {
  const r = await db.query<PartRow>(
    `SELECT ${PART_COLUMNS} FROM upload_parts WHERE org_id = $1 AND bucket = $2 AND upload_id = $3 AND part_number > $4
     ORDER BY part_number LIMIT $5`,
    [orgId, bucket, uploadId, after, limit],
  );
  return r.rows;
}

export async function listParts(db: Queryable, orgId: OrgId, bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }): Promise<ListPartsResult> {
  const upload = await findUpload(db, orgId, bucket, key, uploadId);
  const rows = await uploadParts(db, orgId, bucket, uploadId, opts.partNumberMarker, opts.maxParts + 1);
  const page = rows.slice(0, opts.maxParts).map(toPartRecord);
  const isTruncated = rows.length > opts.maxParts;
  return { upload, parts: page, isTruncated, nextPartNumberMarker: isTruncated ? page.at(-1)?.partNumber : undefined };
}

/** Abort: the upload disappears and every part blob goes to the outbox, in one transaction. */
export async function abortUpload(pool: Pool, orgId: OrgId, bucket: string, key: string, uploadId: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await findUpload(tx, orgId, bucket, key, uploadId, 'FOR UPDATE');
    await dropUpload(tx, orgId, bucket, uploadId, 'abort');
  });
}

/** Deletes the upload row (parts cascade); blobs of parts not in `keep` go to the outbox. */
export async function dropUpload(tx: PoolClient, orgId: OrgId, bucket: string, uploadId: string, reason: 'abort' | 'unused-part' | 'expired', keep: Set<string> = new Set()): Promise<void> {
  const parts = await tx.query<{ blob: ManifestPart }>('SELECT blob FROM upload_parts WHERE org_id = $1 AND bucket = $2 AND upload_id = $3', [orgId, bucket, uploadId]);
  await enqueueUnreferencedBlobs(tx, orgId, parts.rows.map((p) => p.blob).filter((b) => !keep.has(b.blobId)), reason);
  await tx.query('DELETE FROM multipart_uploads WHERE org_id = $1 AND bucket = $2 AND upload_id = $3', [orgId, bucket, uploadId]);
}
