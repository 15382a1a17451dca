import type { ListObjectsQuery, ListObjectsResult, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { noSuchBucket } from './bucket-store';
import type { Queryable } from './db';
import { commonPrefixOf, compareBytes, successor } from './key-range';

/** What a listing costs, so skip-scanning can be observed (metrics) and tested. */
export interface ListingCost {
  queries: number;
  rows: number;
}

interface Cursor {
  key: string;
  inclusive: boolean;
}

interface ListRow {
  key: string;
  size: number;
  etag: string;
  last_modified: Date;
}

/** Row batches double while plain keys keep coming and drop back to one after each common prefix. */
const MAX_BATCH = 1001;

/**
 * Latest live versions in byte order, rolled up by delimiter. A common prefix is emitted once and
 * then skipped over: the next query starts at successor(prefix), so a folder costs one row however
 * many keys it holds. The prefix is a key range, not LIKE (which would treat % and _ as wildcards).
 */
export async function listObjects(
  db: Queryable,
  orgId: OrgId,
  bucket: string,
  query: ListObjectsQuery,
  cost: ListingCost = { queries: 0, rows: 0 },
): Promise<ListObjectsResult> {
  const exists = await db.query('SELECT 1 FROM buckets WHERE org_id = $1 AND name = $2', [orgId, bucket]);
  if (exists.rows.length === 0) throw noSuchBucket(bucket);

  const prefix = query.prefix ?? '';
  const delimiter = query.delimiter || undefined;
  const maxKeys = query.maxKeys;
  const result: ListObjectsResult = { contents: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys <= 0) return result;

  const upper = prefix === '' ? undefined : successor(prefix);
  let cursor: Cursor | undefined = startCursor(prefix, delimiter, query.startAfter);
  let entries = 0;
  let batch = delimiter ? 1 : MAX_BATCH;

  while (cursor) {
    const limit = Math.min(batch, maxKeys - entries + 1); // +1: learn whether one more entry exists
    const rows = await fetchRows(db, orgId, bucket, cursor, upper, limit);
    cost.queries++;
    cost.rows += rows.length;
    let skipped = false;
    for (const row of rows) {
      if (entries === maxKeys) {
        result.isTruncated = true;
        return result;
      }
      const common = delimiter ? commonPrefixOf(row.key, prefix, delimiter) : undefined;
      entries++;
      if (common !== undefined) {
        result.commonPrefixes.push(common);
        result.lastReturned = common;
        const next = successor(common);
        cursor = next === undefined ? undefined : { key: next, inclusive: true };
        skipped = true;
        break;
      }
      result.contents.push({ key: row.key, size: Number(row.size), etag: row.etag, lastModified: row.last_modified.toISOString() });
      result.lastReturned = row.key;
      cursor = { key: row.key, inclusive: false };
    }
    if (skipped) {
      batch = 1;
      continue;
    }
    if (rows.length < limit) return result;
    batch = Math.min(batch * 2, MAX_BATCH);
  }
  return result;
}

/** Where the listing starts: at the prefix, or strictly after startAfter (past a whole folder if it names one). */
function startCursor(prefix: string, delimiter: string | undefined, startAfter: string | undefined): Cursor | undefined {
  const atPrefix: Cursor = { key: prefix, inclusive: true };
  if (startAfter === undefined || startAfter === '' || compareBytes(startAfter, prefix) < 0) return atPrefix;
  if (delimiter && commonPrefixOf(startAfter, prefix, delimiter) === startAfter) {
    // A common prefix handed back as a marker: none of the keys it rolled up may be listed again.
    const next = successor(startAfter);
    return next === undefined ? undefined : { key: next, inclusive: true };
  }
  return { key: startAfter, inclusive: false };
}

async function fetchRows(db: Queryable, orgId: OrgId, bucket: string, cursor: Cursor, upper: string | undefined, limit: number): Promise<ListRow[]> {
  const params: unknown[] = [orgId, bucket, cursor.key, limit];
  let sql = `SELECT key, size, etag, last_modified FROM object_versions
              WHERE org_id = $1 AND bucket = $2 AND is_latest AND NOT is_delete_marker
                AND key ${cursor.inclusive ? '>=' : '>'} ($3::text COLLATE "C")`;
  if (upper !== undefined) {
    params.push(upper);
    sql += ` AND key < ($5::text COLLATE "C")`;
  }
  sql += ' ORDER BY key LIMIT $4';
  const r = await db.query<ListRow>(sql, params);
  return r.rows;
}

/** The query as it arrives on the wire: strings only, validated here. */
export function parseListQuery(raw: Record<string, unknown>): ListObjectsQuery {
  const str = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new S3Error('InvalidArgument', `${name} must be given once`, { ArgumentName: name });
    return v;
  };
  const maxKeysRaw = str('maxKeys') ?? '1000';
  if (!/^\d{1,9}$/.test(maxKeysRaw)) throw new S3Error('InvalidArgument', 'maxKeys must be a non-negative integer', { ArgumentName: 'maxKeys', ArgumentValue: maxKeysRaw });
  return {
    prefix: str('prefix') ?? '',
    delimiter: str('delimiter') || undefined,
    maxKeys: Math.min(Number(maxKeysRaw), 1000),
    startAfter: str('startAfter') || undefined,
  };
}
