import type { ListVersionsQuery, ListVersionsResult } from '@excloud/contracts';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { commonPrefixOf, successor } from './key-range';
import { quoteEtag } from './rows';

interface VersionListRow {
  key: string;
  version_id: string;
  seq: string;
  is_latest: boolean;
  is_delete_marker: boolean;
  size: number;
  etag: string | null;
  last_modified: Date;
}

/** Where the next batch starts: after a key, or within a key after (older than) a version. */
interface Cursor {
  key: string;
  inclusive?: boolean;
  olderThanSeq?: string;
}

const BATCH = 1001;

/**
 * ListObjectVersions: every version and delete marker, keys in byte order and, within a key,
 * newest first. Common prefixes roll up and are skipped in one step, as in object listings.
 */
export async function listVersions(db: Queryable, orgId: string, bucket: string, q: ListVersionsQuery): Promise<ListVersionsResult> {
  const exists = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (exists.rows.length === 0) throw noSuchBucket(bucket);
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter || undefined;
  const upper = prefix === '' ? undefined : successor(prefix);
  const result: ListVersionsResult = { versions: [], commonPrefixes: [], isTruncated: false };
  if (q.maxKeys <= 0) return result;

  let cursor: Cursor | undefined = await startCursor(db, orgId, bucket, q, prefix, delimiter);
  let entries = 0;
  let last: { key: string; versionId?: string } | undefined;
  while (cursor) {
    const rows = await fetch(db, orgId, bucket, prefix, upper, cursor);
    let next: Cursor | undefined;
    let skippedPrefix = false;
    for (const row of rows) {
      if (entries === q.maxKeys) {
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
      result.versions.push({
        key: row.key,
        versionId: row.version_id,
        isLatest: row.is_latest,
        isDeleteMarker: row.is_delete_marker,
        size: Number(row.size),
        etag: row.etag === null ? '' : quoteEtag(row.etag),
        lastModified: row.last_modified.toISOString(),
      });
      last = { key: row.key, versionId: row.version_id };
      next = { key: row.key, olderThanSeq: row.seq };
    }
    if (result.isTruncated) break;
    if (!skippedPrefix && rows.length < BATCH) break;
    cursor = next;
  }
  if (result.isTruncated && last) {
    result.nextKeyMarker = last.key;
    result.nextVersionIdMarker = last.versionId;
  }
  return result;
}

async function startCursor(db: Queryable, orgId: string, bucket: string, q: ListVersionsQuery, prefix: string, delimiter: string | undefined): Promise<Cursor> {
  const keyMarker = q.keyMarker;
  if (keyMarker === undefined) return { key: prefix, inclusive: true };
  if (delimiter && commonPrefixOf(keyMarker, prefix, delimiter) === keyMarker) {
    const after = successor(keyMarker);
    return after === undefined ? { key: keyMarker } : { key: after, inclusive: true };
  }
  // Without a version-id-marker every version of key-marker is already listed (as in S3).
  if (q.versionIdMarker === undefined) return { key: keyMarker };
  const r = await db.query<{ seq: string }>('SELECT seq FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 AND version_id = $4', [
    orgId,
    bucket,
    keyMarker,
    q.versionIdMarker,
  ]);
  return r.rows[0] ? { key: keyMarker, olderThanSeq: r.rows[0].seq } : { key: keyMarker };
}

async function fetch(db: Queryable, orgId: string, bucket: string, prefix: string, upper: string | undefined, c: Cursor): Promise<VersionListRow[]> {
  const params: unknown[] = [orgId, bucket, prefix, upper ?? null, c.key, BATCH];
  let position: string;
  if (c.inclusive) position = 'key >= $5';
  else if (c.olderThanSeq !== undefined) {
    params.push(c.olderThanSeq);
    position = '(key > $5 OR (key = $5 AND seq < $7))';
  } else position = 'key > $5';
  const r = await db.query<VersionListRow>(
    `SELECT key, version_id, seq::text AS seq, is_latest, is_delete_marker, size, etag, last_modified FROM object_versions
      WHERE org_id = $1 AND bucket = $2 AND key >= $3 AND ($4::text IS NULL OR key < $4) AND ${position}
      ORDER BY key, seq DESC LIMIT $6`,
    params,
  );
  return r.rows;
}
