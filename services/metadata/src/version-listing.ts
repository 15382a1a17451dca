import type { ListVersionsQuery, ListVersionsResult, VersionEntry, OrgId } from '@excloud/contracts';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { successor } from './key-range';
import { cursorPastPrefixMarker, rollUp, type RollupCursor } from './rollup';
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

/** Within a key, versions newer than or equal to this seq are done. */
type Cursor = RollupCursor<string>;

const BATCH = 1001;

/**
 * ListObjectVersions: every version and delete marker, keys in byte order and, within a key,
 * newest first. Common prefixes roll up and are skipped in one step, as in object listings.
 */
export async function listVersions(db: Queryable, orgId: OrgId, bucket: string, q: ListVersionsQuery): Promise<ListVersionsResult> {
  const exists = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (exists.rows.length === 0) throw noSuchBucket(bucket);
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter || undefined;
  const upper = prefix === '' ? undefined : successor(prefix);
  const rolled = await rollUp({
    prefix,
    delimiter,
    max: q.maxKeys,
    batch: BATCH,
    start: await startCursor(db, orgId, bucket, q, prefix, delimiter),
    fetch: (cursor) => fetch(db, orgId, bucket, prefix, upper, cursor),
    after: (row) => row.seq,
    entry: (row): VersionEntry => ({
      key: row.key,
      versionId: row.version_id,
      isLatest: row.is_latest,
      isDeleteMarker: row.is_delete_marker,
      size: Number(row.size),
      etag: row.etag === null ? '' : quoteEtag(row.etag),
      lastModified: row.last_modified.toISOString(),
    }),
  });
  const result: ListVersionsResult = { versions: rolled.entries, commonPrefixes: rolled.commonPrefixes, isTruncated: rolled.isTruncated };
  if (rolled.isTruncated && rolled.last) {
    result.nextKeyMarker = rolled.last.key;
    result.nextVersionIdMarker = rolled.last.row?.version_id;
  }
  return result;
}

async function startCursor(db: Queryable, orgId: OrgId, bucket: string, q: ListVersionsQuery, prefix: string, delimiter: string | undefined): Promise<Cursor> {
  const keyMarker = q.keyMarker;
  if (keyMarker === undefined) return { key: prefix, inclusive: true };
  const pastPrefix = cursorPastPrefixMarker<string>(keyMarker, prefix, delimiter);
  if (pastPrefix) return pastPrefix;
  // Without a version-id-marker every version of key-marker is already listed (as in S3).
  if (q.versionIdMarker === undefined) return { key: keyMarker };
  const r = await db.query<{ seq: string }>('SELECT seq FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 AND version_id = $4', [
    orgId,
    bucket,
    keyMarker,
    q.versionIdMarker,
  ]);
  return r.rows[0] ? { key: keyMarker, within: r.rows[0].seq } : { key: keyMarker };
}

async function fetch(db: Queryable, orgId: OrgId, bucket: string, prefix: string, upper: string | undefined, c: Cursor): Promise<VersionListRow[]> {
  const params: unknown[] = [orgId, bucket, prefix, upper ?? null, c.key, BATCH];
  let position: string;
  if (c.inclusive) position = 'key >= $5';
  else if (c.within !== undefined) {
    params.push(c.within);
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
