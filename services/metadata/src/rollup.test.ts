import { compareBytes } from './key-range';
import { rollUp, type RollupCursor } from './rollup';

/** An in-memory table of keys, fetched in key order from a cursor, counting the rows read. */
function table(keys: string[]) {
  const sorted = [...keys].sort(compareBytes);
  let rowsRead = 0;
  const fetch = async (c: RollupCursor<number>) => {
    const rows = sorted
      .map((key, i) => ({ key, i }))
      .filter((r) => (c.inclusive ? compareBytes(r.key, c.key) >= 0 : c.within !== undefined ? r.i > c.within : compareBytes(r.key, c.key) > 0))
      .slice(0, 3);
    rowsRead += rows.length;
    return rows;
  };
  return { fetch, rowsRead: () => rowsRead };
}

const run = (keys: string[], opts: { delimiter?: string; max: number; start?: RollupCursor<number> }) => {
  const t = table(keys);
  return rollUp({ prefix: '', delimiter: opts.delimiter, max: opts.max, batch: 3, start: opts.start ?? { key: '', inclusive: true }, fetch: t.fetch, after: (r) => r.i, entry: (r) => r.key }).then((r) => ({ ...r, rowsRead: t.rowsRead() }));
};

describe('rollUp', () => {
  const keys = ['a/1', 'a/2', 'a/3', 'a/4', 'b', 'c/1', 'c/2', 'd'];

  it('rolls folders up, reading one row per folder', async () => {
    const r = await run(keys, { delimiter: '/', max: 100 });
    expect(r.entries).toEqual(['b', 'd']);
    expect(r.commonPrefixes).toEqual(['a/', 'c/']);
    expect(r.isTruncated).toBe(false);
    expect(r.rowsRead).toBeLessThanOrEqual(8);
  });

  it('counts a prefix as one entry and reports the last one for the next page', async () => {
    const r = await run(keys, { delimiter: '/', max: 2 });
    expect([...r.commonPrefixes, ...r.entries]).toEqual(['a/', 'b']);
    expect(r).toMatchObject({ isTruncated: true, last: { key: 'b' } });
  });

  it('pages plain keys across batches without a delimiter', async () => {
    const r = await run(keys, { max: 7 });
    expect(r.entries).toEqual(keys.slice(0, 7));
    expect(r.isTruncated).toBe(true);
    expect(r.last?.key).toBe('c/2');
  });
});
