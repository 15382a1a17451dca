import type { ListUploadsQuery, ListUploadsResult } from '@excloud/contracts';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { commonPrefixOf, successor } from './key-range';

interface UploadListRow {
  key: string;
  upload_id: string;
  initiated: Date;
}

/** Position after which the next page starts: a key, and within it an upload (by initiation). */
interface Cursor {
  key: string;
  /** Uploads of `key` initiated before (initiated, uploadId) are done; undefined: the whole key is done. */
  within?: { uploadId: string };
  /** Start at `key` itself (inclusive), e.g. after skipping a common prefix. */
  inclusive?: boolean;
}

const BATCH = 1001;

/**
 * ListMultipartUploads: uploads in key order, then initiation order, rolled up by delimiter
 * (each common prefix skipped in one step, as in object listings).
 */
export async function listUploads(db: Queryable, orgId: string, bucket: string, q: ListUploadsQuery): Promise<ListUploadsResult> {
  const exists = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (exists.rows.length === 0) throw noSuchBucket(bucket);
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter || undefined;
  const upper = prefix === '' ? undefined : successor(prefix);
  const result: ListUploadsResult = { uploads: [], commonPrefixes: [], isTruncated: false };
  if (q.maxUploads <= 0) return result;

  let cursor: Cursor | undefined = await startCursor(db, orgId, bucket, q, prefix, delimiter);
  let entries = 0;
  let last: { key: string; uploadId?: string } | undefined;
  while (cursor) {
    const rows = await fetch(db, orgId, bucket, prefix, upper, cursor, BATCH);
    let next: Cursor | undefined;
    let skippedPrefix = false;
    for (const row of rows) {
      if (entries === q.maxUploads) {
        result.isTruncated = true;
        break;
      }
      entries++;
      const cp = delimiter ? commonPrefixOf(row.key, prefix, delimiter) : undefined;
      if (cp !== undefined) {
        result.commonPrefixes.push(cp);
        last = { key: cp };
        const after = successor(cp);
        next = after === undefined ? undefined : { key: after, inclusive: true };
        skippedPrefix = true;
        break;
      }
      result.uploads.push({ key: row.key, uploadId: row.upload_id, initiated: row.initiated.toISOString() });
      last = { key: row.key, uploadId: row.upload_id };
      next = { key: row.key, within: { uploadId: row.upload_id } };
    }
    if (result.isTruncated) break;
    if (!skippedPrefix && rows.length < BATCH) break;
    cursor = next;
  }
  if (result.isTruncated && last) {
    result.nextKeyMarker = last.key;
    result.nextUploadIdMarker = last.uploadId;
  }
  return result;
}

async function startCursor(db: Queryable, orgId: string, bucket: string, q: ListUploadsQuery, prefix: string, delimiter: string | undefined): Promise<Cursor> {
  const keyMarker = q.keyMarker;
  if (keyMarker === undefined) return { key: prefix, inclusive: true };
  if (delimiter && commonPrefixOf(keyMarker, prefix, delimiter) === keyMarker) {
    const after = successor(keyMarker);
    return after === undefined ? { key: keyMarker } : { key: after, inclusive: true };
  }
  // Without an upload-id-marker, every upload of key-marker is already listed (as in S3).
  if (q.uploadIdMarker === undefined) return { key: keyMarker };
  const r = await db.query('SELECT 1 FROM multipart_uploads WHERE org_id = $1 AND bucket = $2 AND key = $3 AND upload_id = $4', [
    orgId,
    bucket,
    keyMarker,
    q.uploadIdMarker,
  ]);
  return r.rows[0] ? { key: keyMarker, within: { uploadId: q.uploadIdMarker } } : { key: keyMarker };
}

async function fetch(db: Queryable, orgId: string, bucket: string, prefix: string, upper: string | undefined, c: Cursor, limit: number): Promise<UploadListRow[]> {
  const params: unknown[] = [orgId, bucket, prefix, upper ?? null, c.key, limit];
  let position: string;
  if (c.inclusive) position = 'key >= $5';
  else if (c.within) {
    // The marker's own initiation time is compared in SQL: a JS Date would drop its microseconds.
    params.push(c.within.uploadId);
    position = `(key > $5 OR (key = $5 AND (initiated, upload_id) >
      (SELECT initiated, upload_id FROM multipart_uploads WHERE org_id = $1 AND bucket = $2 AND upload_id = $7)))`;
  } else position = 'key > $5';
  const r = await db.query<UploadListRow>(
    `SELECT key, upload_id, initiated FROM multipart_uploads
      WHERE org_id = $1 AND bucket = $2 AND key >= $3 AND ($4::text IS NULL OR key < $4) AND ${position}
      ORDER BY key, initiated, upload_id LIMIT $6`,
    params,
  );
  return r.rows;
}
