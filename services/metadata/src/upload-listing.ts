import type { ListUploadsQuery, ListUploadsResult, OrgId } from '@excloud/contracts';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { successor } from './key-range';
import { cursorPastPrefixMarker, rollUp, type RollupCursor } from './rollup';

interface UploadListRow {
  key: string;
  upload_id: string;
  initiated: Date;
}

/** Within a key, uploads up to and including this one (by initiation order) are done. */
type Cursor = RollupCursor<{ uploadId: string }>;

const BATCH = 1001;

/**
 * ListMultipartUploads: uploads in key order, then initiation order, rolled up by delimiter
 * (each common prefix skipped in one step, as in object listings).
 */
export async function listUploads(db: Queryable, orgId: OrgId, bucket: string, q: ListUploadsQuery): Promise<ListUploadsResult> {
  const exists = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (exists.rows.length === 0) throw noSuchBucket(bucket);
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter || undefined;
  const upper = prefix === '' ? undefined : successor(prefix);
  const rolled = await rollUp({
    prefix,
    delimiter,
    max: q.maxUploads,
    batch: BATCH,
    start: await startCursor(db, orgId, bucket, q, prefix, delimiter),
    fetch: (cursor) => fetch(db, orgId, bucket, prefix, upper, cursor, BATCH),
    after: (row) => ({ uploadId: row.upload_id }),
    entry: (row) => ({ key: row.key, uploadId: row.upload_id, initiated: row.initiated.toISOString() }),
  });
  const result: ListUploadsResult = { uploads: rolled.entries, commonPrefixes: rolled.commonPrefixes, isTruncated: rolled.isTruncated };
  if (rolled.isTruncated && rolled.last) {
    result.nextKeyMarker = rolled.last.key;
    result.nextUploadIdMarker = rolled.last.row?.upload_id;
  }
  return result;
}

async function startCursor(db: Queryable, orgId: OrgId, bucket: string, q: ListUploadsQuery, prefix: string, delimiter: string | undefined): Promise<Cursor> {
  const keyMarker = q.keyMarker;
  if (keyMarker === undefined) return { key: prefix, inclusive: true };
  const pastPrefix = cursorPastPrefixMarker<{ uploadId: string }>(keyMarker, prefix, delimiter);
  if (pastPrefix) return pastPrefix;
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

async function fetch(db: Queryable, orgId: OrgId, bucket: string, prefix: string, upper: string | undefined, c: Cursor, limit: number): Promise<UploadListRow[]> {
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
