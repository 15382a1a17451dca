import { commonPrefixOf, successor } from './key-range';

/** Where the next batch starts: at a key (inclusive), after a key, or within a key after a row. */
export interface RollupCursor<Within> {
  key: string;
  inclusive?: boolean;
  within?: Within;
}

export interface RollupResult<Row, Entry> {
  entries: Entry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Last entry returned: a common prefix (no row) or a row's key and the row itself. */
  last?: { key: string; row?: Row };
}

/**
 * The paging loop shared by listings that roll keys up by delimiter (uploads, versions): rows
 * come in key order in batches; a common prefix counts as one entry and the next batch starts
 * past it (successor), so a folder costs one row however much it holds.
 */
export async function rollUp<Row extends { key: string }, Within, Entry>(opts: {
  prefix: string;
  delimiter?: string;
  max: number;
  batch: number;
  start: RollupCursor<Within>;
  fetch: (cursor: RollupCursor<Within>) => Promise<Row[]>;
  after: (row: Row) => Within;
  entry: (row: Row) => Entry;
}): Promise<RollupResult<Row, Entry>> {
  const result: RollupResult<Row, Entry> = { entries: [], commonPrefixes: [], isTruncated: false };
  if (opts.max <= 0) return result;
  let cursor: RollupCursor<Within> | undefined = opts.start;
  let count = 0;
  while (cursor) {
    const rows = await opts.fetch(cursor);
    let next: RollupCursor<Within> | undefined;
    let skippedPrefix = false;
    for (const row of rows) {
      if (count === opts.max) {
        result.isTruncated = true;
        break;
      }
      count++;
      const cp = opts.delimiter ? commonPrefixOf(row.key, opts.prefix, opts.delimiter) : undefined;
      if (cp !== undefined) {
        result.commonPrefixes.push(cp);
        result.last = { key: cp };
        const past = successor(cp);
        next = past === undefined ? undefined : { key: past, inclusive: true };
        skippedPrefix = true;
        break;
      }
      result.entries.push(opts.entry(row));
      result.last = { key: row.key, row };
      next = { key: row.key, within: opts.after(row) };
    }
    if (result.isTruncated) break;
    if (!skippedPrefix && rows.length < opts.batch) break;
    cursor = next;
  }
  return result;
}

/** A key marker that is itself a common prefix resumes past everything under it. */
export function cursorPastPrefixMarker<Within>(marker: string, prefix: string, delimiter: string | undefined): RollupCursor<Within> | undefined {
  if (!delimiter || commonPrefixOf(marker, prefix, delimiter) !== marker) return undefined;
  const past = successor(marker);
  return past === undefined ? { key: marker } : { key: past, inclusive: true };
}
