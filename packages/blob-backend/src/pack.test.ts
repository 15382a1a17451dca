import { randomBytes } from 'node:crypto';
import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemBackend, type FilesystemBackendOptions } from './filesystem';
import { encodeRecord, KIND_PUT } from './pack-record';
import { readPackedIds, readPackedIdsSync } from './pack-inspect';
import { defaultPackIo, type PackIo } from './pack-store';
import { tempRoots } from './test-roots';

const freshRoot = tempRoots('excloud-pack-');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function listIds(fs: FilesystemBackend): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of fs.list({})) ids.push(e.id);
  return ids;
}

const backend = (root: string, extra: Partial<FilesystemBackendOptions> = {}) => new FilesystemBackend({ root, packMaxBytes: 64 * 1024, ...extra });
const put = (fs: FilesystemBackend, id: string, data: Buffer) => fs.put({ id, body: Readable.from([data]) });
const segments = async (root: string) => (await readdir(join(root, 'pack'))).sort();

describe('packed layout', () => {
  it('keeps small blobs out of files and serves them after a restart', async () => {
    const root = await freshRoot();
    const fs = backend(root);
    const small = randomBytes(4096);
    const large = randomBytes(100 * 1024);
    await put(fs, 'o/d/small', small);
    await put(fs, 'o/d/large', large);
    expect(await readdir(join(root, 'blobs', 'o', 'd'))).toEqual(['large']);
    await fs.close();
    const again = backend(root);
    expect((await readAll(await again.get({ id: 'o/d/small' }))).equals(small)).toBe(true);
    expect((await readAll(await again.get({ id: 'o/d/large' }))).equals(large)).toBe(true);
    expect(await listIds(again)).toEqual(['o/d/large', 'o/d/small']);
    await again.close();
  });

  it('puts small blobs in files again once the index holds packMaxEntries', async () => {
    const root = await freshRoot();
    const fs = backend(root, { packMaxEntries: 2 });
    for (const i of [1, 2, 3]) await put(fs, `o/d/${i}`, Buffer.from(String(i)));
    expect(await readdir(join(root, 'blobs', 'o', 'd'))).toEqual(['3']);
    expect(await listIds(fs)).toEqual(['o/d/1', 'o/d/2', 'o/d/3']);
    await fs.close();
  });

  it('readPackedIds sees what a running store holds, without its lock', async () => {
    const root = await freshRoot();
    const fs = backend(root, { packSegmentBytes: 1024 });
    for (const i of [1, 2, 3, 4, 5, 6]) await put(fs, `o/d/${i}`, randomBytes(300));
    await fs.delete({ id: 'o/d/2' });
    await put(fs, 'o/d/big', randomBytes(100 * 1024)); // a file: not packed
    expect(await readPackedIds(root)).toEqual(['o/d/1', 'o/d/3', 'o/d/4', 'o/d/5', 'o/d/6']);
    expect(readPackedIdsSync(root)).toEqual(['o/d/1', 'o/d/3', 'o/d/4', 'o/d/5', 'o/d/6']);
    expect(readPackedIdsSync(join(root, 'nothing-here'))).toEqual([]);
    expect(await readPackedIds(join(root, 'nothing-here'))).toEqual([]);
    await fs.close();
  });

  it('refuses a second writer on the same pack directory until the first lets go', async () => {
    const root = await freshRoot();
    const first = backend(root);
    await put(first, 'o/d/a', Buffer.from('a'));
    await expect(put(backend(root), 'o/d/b', Buffer.from('b'))).rejects.toThrow(/already writes the pack segments/);
    await first.close();
    const second = backend(root);
    await put(second, 'o/d/b', Buffer.from('b'));
    expect(await listIds(second)).toEqual(['o/d/a', 'o/d/b']);
    await second.close();
  });

  it('concurrent puts share one fdatasync, and none resolves before its batch is synced', async () => {
    let syncs = 0;
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const io: PackIo = {
      ...defaultPackIo,
      async datasync(fh) {
        syncs += 1;
        await gate;
        await fh.datasync();
      },
    };
    const fs = backend(await freshRoot(), { packIo: io });
    await put(fs, 'o/d/warm', randomBytes(10)); // opens the store
    syncs = 0;
    gate = new Promise((r) => (release = r));
    const resolved: number[] = [];
    const puts = Array.from({ length: 20 }, (_, i) => put(fs, `o/d/p${i}`, randomBytes(100 + i)).then(() => resolved.push(i)));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(resolved).toEqual([]);
    expect(syncs).toBe(1);
    release();
    await Promise.all(puts);
    // The first put's batch is in flight when the other 19 arrive: they all share the next sync.
    expect(syncs).toBe(2);
    expect(resolved).toHaveLength(20);
  });

  it('a failed fdatasync rejects the batch and every later write', async () => {
    let fail = false;
    const io: PackIo = { ...defaultPackIo, datasync: async (fh) => (fail ? Promise.reject(new Error('EIO')) : fh.datasync()) };
    const fs = backend(await freshRoot(), { packIo: io });
    await put(fs, 'o/d/ok', randomBytes(10));
    fail = true;
    await expect(put(fs, 'o/d/lost', randomBytes(10))).rejects.toThrow('EIO');
    fail = false;
    await expect(put(fs, 'o/d/after', randomBytes(10))).rejects.toThrow('EIO');
    await expect(fs.head({ id: 'o/d/lost' })).resolves.toBeNull();
  });

  it('reads ranges within one record, never across into its neighbours', async () => {
    const fs = backend(await freshRoot());
    const blobs = [randomBytes(1000), randomBytes(1), randomBytes(777)];
    for (const [i, b] of blobs.entries()) await put(fs, `o/d/r${i}`, b);
    for (const [i, b] of blobs.entries()) {
      const id = `o/d/r${i}`;
      for (const [start, end] of [[0, b.length - 1], [b.length - 1, b.length - 1], [0, 0], [Math.floor(b.length / 2), b.length - 1]] as const) {
        expect((await readAll(await fs.get({ id, range: { start, end } }))).equals(b.subarray(start, end + 1))).toBe(true);
      }
      await expect(fs.get({ id, range: { start: 0, end: b.length } })).rejects.toBeInstanceOf(RangeError);
    }
  });

  it('cuts a torn tail away at open and never serves it', async () => {
    const root = await freshRoot();
    const fs = backend(root);
    const kept = randomBytes(3000);
    await put(fs, 'o/d/kept', kept);
    const [segment] = await segments(root);
    const path = join(root, 'pack', segment!);
    const goodSize = (await stat(path)).size;
    // A batch cut short by a crash: a record missing its last bytes, and one with a bad CRC.
    const torn = encodeRecord(KIND_PUT, 'o/d/torn', randomBytes(500), Date.now());
    await appendFile(path, torn.subarray(0, torn.length - 7));
    await fs.close();
    const again = backend(root);
    await expect(again.head({ id: 'o/d/torn' })).resolves.toBeNull();
    expect((await stat(path)).size).toBe(goodSize);
    await again.close();
    const corrupt = encodeRecord(KIND_PUT, 'o/d/bad', randomBytes(500), Date.now());
    corrupt[corrupt.length - 1] ^= 0xff;
    await appendFile(path, corrupt);
    const third = backend(root);
    await expect(third.head({ id: 'o/d/bad' })).resolves.toBeNull();
    expect((await readAll(await third.get({ id: 'o/d/kept' }))).equals(kept)).toBe(true);
    // Appends continue after the good prefix, not after the garbage.
    await put(third, 'o/d/next', Buffer.from('next'));
    await third.close();
    const fourth = backend(root);
    expect((await readAll(await fourth.get({ id: 'o/d/next' }))).toString()).toBe('next');
    expect((await readAll(await fourth.get({ id: 'o/d/kept' }))).equals(kept)).toBe(true);
    await fourth.close();
  });

  it('deletes with tombstones that survive a restart, overwrites keep the newest', async () => {
    const root = await freshRoot();
    const fs = backend(root, { packSegmentBytes: 2048 });
    for (let i = 0; i < 10; i++) await put(fs, `o/d/${i}`, Buffer.from(`v1-${i}`.repeat(50)));
    await fs.delete({ id: 'o/d/3' });
    await put(fs, 'o/d/5', Buffer.from('v2'));
    expect((await segments(root)).length).toBeGreaterThan(1);
    await fs.close();
    const again = backend(root, { packSegmentBytes: 2048 });
    await expect(again.head({ id: 'o/d/3' })).resolves.toBeNull();
    expect((await readAll(await again.get({ id: 'o/d/5' }))).toString()).toBe('v2');
    expect(await listIds(again)).toEqual(['0', '1', '2', '4', '5', '6', '7', '8', '9'].map((i) => `o/d/${i}`));
    await again.close();
  });

  it('an id lives in one layout: a put in one removes the other', async () => {
    const root = await freshRoot();
    const fs = backend(root, { packMaxBytes: 1024 });
    await put(fs, 'o/d/x', randomBytes(10));
    await put(fs, 'o/d/x', randomBytes(5000)); // too big to pack: a file, and the packed copy goes
    expect((await fs.head({ id: 'o/d/x' }))?.size).toBe(5000);
    await fs.close();
    const restarted = backend(root, { packMaxBytes: 1024 });
    expect((await restarted.head({ id: 'o/d/x' }))?.size).toBe(5000);
    await restarted.close();
    const fs2 = backend(root, { packMaxBytes: 1024 });
    await put(fs2, 'o/d/x', randomBytes(7)); // packed again: the file goes
    expect(await readdir(join(root, 'blobs', 'o', 'd'))).toEqual([]);
    expect((await fs2.head({ id: 'o/d/x' }))?.size).toBe(7);
    expect(await listIds(fs2)).toEqual(['o/d/x']);
    await fs2.close();
  });
});
