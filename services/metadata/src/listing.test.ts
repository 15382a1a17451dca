import http from 'node:http';
import type { ListObjectsQuery } from '@excloud/contracts';
import { compareBytes } from './key-range';
import { commitFor, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let token: string;
const ORG = 'org-listing';

beforeAll(async () => {
  t = await startTestMetadata();
  token = await t.tokenFor(ORG);
});

afterAll(async () => {
  await t?.close();
});

async function bucketWith(name: string, keys: string[]): Promise<string> {
  await t.client.createBucket(token, name, {});
  for (const key of keys) await t.client.putObject(token, name, commitFor(key));
  return name;
}

/** Page through a listing, returning every entry in order (keys and common prefixes alike). */
async function listAll(bucket: string, query: Omit<ListObjectsQuery, 'startAfter'>) {
  const entries: string[] = [];
  let startAfter: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await t.client.listObjects(token, bucket, { ...query, startAfter });
    const pageEntries = [...r.contents.map((c) => c.key), ...r.commonPrefixes].sort(compareBytes);
    expect(pageEntries.length).toBeLessThanOrEqual(query.maxKeys);
    entries.push(...pageEntries);
    if (!r.isTruncated) return { entries, pages: page + 1 };
    expect(r.lastReturned).toBe(pageEntries.at(-1));
    startAfter = r.lastReturned;
  }
  throw new Error('listing did not terminate');
}

async function listingCounter(name: 'rows' | 'queries'): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    http.get(`${t.baseUrl}/metrics`, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  const line = text.split('\n').find((l) => l.startsWith(`excloud_metadata_list_${name}_total`));
  return Number(line?.split(' ').at(-1));
}

describe('listing order and prefixes', () => {
  const keys = ['b', 'B', 'a', 'é', 'z', '%', '_', 'a%b', 'a_b', 'ab', 'aXb', '😀', '\uFFFD', 'a b'];

  it('lists keys in byte order, including non-ASCII', async () => {
    const b = await bucketWith('order', keys);
    const r = await t.client.listObjects(token, b, { maxKeys: 1000 });
    expect(r.contents.map((c) => c.key)).toEqual([...keys].sort(compareBytes));
    // Byte order, not UTF-16 order: U+FFFD sorts before the astral emoji.
    expect(r.contents.map((c) => c.key).slice(-2)).toEqual(['\uFFFD', '😀']);
    expect(r.isTruncated).toBe(false);
    expect(r.contents[0]).toMatchObject({ key: '%', size: 11 });
    expect(r.contents[0].etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('treats % and _ in a prefix literally', async () => {
    const r1 = await t.client.listObjects(token, 'order', { prefix: 'a%', maxKeys: 1000 });
    expect(r1.contents.map((c) => c.key)).toEqual(['a%b']);
    const r2 = await t.client.listObjects(token, 'order', { prefix: 'a_', maxKeys: 1000 });
    expect(r2.contents.map((c) => c.key)).toEqual(['a_b']);
    const r3 = await t.client.listObjects(token, 'order', { prefix: 'a', maxKeys: 1000 });
    expect(r3.contents.map((c) => c.key)).toEqual(['a', 'a b', 'a%b', 'aXb', 'a_b', 'ab']);
  });

  it('lists only latest live versions, once per key', async () => {
    const b = await bucketWith('latest-only', ['keep', 'overwritten', 'overwritten', 'deleted']);
    await t.client.putBucketVersioning(token, b, 'Enabled');
    await t.client.putObject(token, b, commitFor('keep'));
    await t.client.deleteObject(token, b, 'deleted', undefined);
    const r = await t.client.listObjects(token, b, { maxKeys: 1000 });
    expect(r.contents.map((c) => c.key)).toEqual(['keep', 'overwritten']);
  });
});

describe('delimiter', () => {
  const keys = ['a/1', 'a/2', 'a/deep/3', 'b/x/1', 'b/y', 'c', 'd/', 'e%/1', 'e_/1', 'f'];

  it('rolls keys up into common prefixes after the prefix', async () => {
    const b = await bucketWith('folders', keys);
    const r = await t.client.listObjects(token, b, { delimiter: '/', maxKeys: 1000 });
    expect(r.contents.map((c) => c.key)).toEqual(['c', 'f']);
    expect(r.commonPrefixes).toEqual(['a/', 'b/', 'd/', 'e%/', 'e_/']);
    expect(r.lastReturned).toBe('f');

    const inA = await t.client.listObjects(token, b, { prefix: 'a/', delimiter: '/', maxKeys: 1000 });
    expect(inA.contents.map((c) => c.key)).toEqual(['a/1', 'a/2']);
    expect(inA.commonPrefixes).toEqual(['a/deep/']);
  });

  it('supports multi-character delimiters', async () => {
    const b = await bucketWith('multi-delim', ['x--1', 'x--2', 'y-1', 'z']);
    const r = await t.client.listObjects(token, b, { delimiter: '--', maxKeys: 1000 });
    expect(r.contents.map((c) => c.key)).toEqual(['y-1', 'z']);
    expect(r.commonPrefixes).toEqual(['x--']);
  });

  it('pages through keys and prefixes without repeating or losing any', async () => {
    const full = await t.client.listObjects(token, 'folders', { delimiter: '/', maxKeys: 1000 });
    const expected = [...full.contents.map((c) => c.key), ...full.commonPrefixes].sort(compareBytes);
    for (const maxKeys of [1, 2, 3, 7]) {
      const { entries, pages } = await listAll('folders', { delimiter: '/', maxKeys });
      expect(entries).toEqual(expected);
      expect(new Set(entries).size).toBe(entries.length);
      expect(pages).toBe(Math.ceil(expected.length / maxKeys));
    }
  });

  it('pages through a prefix without a delimiter', async () => {
    const { entries } = await listAll('folders', { prefix: 'a/', maxKeys: 2 });
    expect(entries).toEqual(['a/1', 'a/2', 'a/deep/3']);
  });

  it('is truncated only when another entry exists', async () => {
    const exact = await t.client.listObjects(token, 'folders', { delimiter: '/', maxKeys: 7 });
    expect(exact.isTruncated).toBe(false);
    const short = await t.client.listObjects(token, 'folders', { delimiter: '/', maxKeys: 6 });
    expect(short.isTruncated).toBe(true);
    expect(short.lastReturned).toBe('e_/');
  });

  it('resumes after a common prefix given as startAfter without returning the folder again', async () => {
    const r = await t.client.listObjects(token, 'folders', { delimiter: '/', maxKeys: 1000, startAfter: 'a/' });
    expect(r.commonPrefixes).toEqual(['b/', 'd/', 'e%/', 'e_/']);
    expect(r.contents.map((c) => c.key)).toEqual(['c', 'f']);
    // Without a delimiter the same marker is a plain key bound: keys under a/ follow it.
    const plain = await t.client.listObjects(token, 'folders', { maxKeys: 2, startAfter: 'a/' });
    expect(plain.contents.map((c) => c.key)).toEqual(['a/1', 'a/2']);
  });

  it('applies startAfter strictly', async () => {
    const r = await t.client.listObjects(token, 'folders', { maxKeys: 1000, startAfter: 'c' });
    expect(r.contents.map((c) => c.key)).toEqual(['d/', 'e%/1', 'e_/1', 'f']);
    const before = await t.client.listObjects(token, 'folders', { prefix: 'b/', maxKeys: 1000, startAfter: 'a' });
    expect(before.contents.map((c) => c.key)).toEqual(['b/x/1', 'b/y']);
  });
});

describe('skipping folders', () => {
  // The scale: 100,000 keys in 100 folders.
  const FOLDERS = 100;
  const PER_FOLDER = 1000;

  beforeAll(async () => {
    await t.client.createBucket(token, 'big', {});
    // Seeded in SQL: 100,000 committed versions through HTTP would dominate the test's runtime.
    await t.pool.query(
      `INSERT INTO object_versions (org_id, bucket, key, version_id, is_latest, is_delete_marker, size, etag)
       SELECT $1, 'big', 'dir' || lpad(f::text, 3, '0') || '/' || lpad(k::text, 4, '0'), 'null', true, false, 1, '"e"'
         FROM generate_series(1, $2::int) f, generate_series(1, $3::int) k`,
      [ORG, FOLDERS, PER_FOLDER],
    );
    await t.pool.query(`INSERT INTO object_versions (org_id, bucket, key, version_id, is_latest, size, etag) VALUES ($1, 'big', 'top', 'null', true, 1, '"e"')`, [ORG]);
  }, 60_000); // seeds 100,000 rows: slow on a busy 2-core machine

  it('reads about one row per folder for a delimiter listing', async () => {
    const rowsBefore = await listingCounter('rows');
    const queriesBefore = await listingCounter('queries');
    const r = await t.client.listObjects(token, 'big', { delimiter: '/', maxKeys: 1000 });
    const rows = (await listingCounter('rows')) - rowsBefore;
    const queries = (await listingCounter('queries')) - queriesBefore;
    expect(r.commonPrefixes).toHaveLength(FOLDERS);
    expect(r.commonPrefixes[0]).toBe('dir001/');
    expect(r.contents.map((c) => c.key)).toEqual(['top']);
    expect(r.isTruncated).toBe(false);
    // 101 entries out of 100,001 keys: one row per folder, plus the key and the end-of-range probe.
    expect(rows).toBeLessThanOrEqual(FOLDERS + 2);
    expect(queries).toBeLessThanOrEqual(FOLDERS + 2);
  });

  it('pages through the folders with one row each', async () => {
    const rowsBefore = await listingCounter('rows');
    const { entries, pages } = await listAll('big', { delimiter: '/', maxKeys: 25 });
    expect(entries).toHaveLength(FOLDERS + 1);
    expect(pages).toBe(5);
    expect((await listingCounter('rows')) - rowsBefore).toBeLessThanOrEqual(2 * (FOLDERS + 1) + 10);
  });

  it('reads only a page worth of rows without a delimiter', async () => {
    const rowsBefore = await listingCounter('rows');
    const r = await t.client.listObjects(token, 'big', { prefix: 'dir007/', maxKeys: 50 });
    expect(r.contents).toHaveLength(50);
    expect(r.contents[0].key).toBe('dir007/0001');
    expect(r.isTruncated).toBe(true);
    expect((await listingCounter('rows')) - rowsBefore).toBe(51);
  });
});
