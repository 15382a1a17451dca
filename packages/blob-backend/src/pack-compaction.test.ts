import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemBackend } from './filesystem';
import type { CompactionStep } from './pack-compaction';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

const SEGMENT = 2048;
const open = (root: string) => new FilesystemBackend({ root, packMaxBytes: 64 * 1024, packSegmentBytes: SEGMENT });
const body = (id: string, version: number) => Buffer.from(`${id}@${version};`.repeat(20));
const segments = async (root: string) => (await readdir(join(root, 'pack'))).sort();

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Several segments, most of them mostly dead, an overwrite and a tombstone that hides a put in a live segment. */
async function scenario(): Promise<{ root: string; expected: Map<string, Buffer> }> {
  const root = await mkdtemp(join(tmpdir(), 'excloud-compact-'));
  roots.push(root);
  const fs = open(root);
  const expected = new Map<string, Buffer>();
  const put = async (id: string, version: number) => {
    await fs.put({ id, body: Readable.from([body(id, version)]) });
    expected.set(id, body(id, version));
  };
  const del = async (id: string) => {
    await fs.delete({ id });
    expected.delete(id);
  };
  for (let i = 0; i < 40; i++) await put(`o/d/${String(i).padStart(2, '0')}`, 1);
  for (let i = 0; i < 40; i++) if (i % 4 !== 0 && i >= 8) await del(`o/d/${String(i).padStart(2, '0')}`);
  await put('o/d/12', 2); // overwrite after delete
  await put('o/d/16', 2);
  await put('o/d/16', 3); // overwrite of a live blob
  await del('o/d/01'); // its put sits in the first segment, which stays mostly live
  // ...while the segment holding its tombstone fills with blobs that die: it gets compacted first.
  for (let i = 0; i < 12; i++) await put(`o/f/${i}`, 1);
  for (let i = 0; i < 12; i++) await del(`o/f/${i}`);
  for (let i = 0; i < 12; i++) await put(`o/e/${i}`, 1); // fill so the tombstones leave the active segment
  await fs.close();
  return { root, expected };
}

/** Reopens the store (a restart) and checks it holds exactly `expected`. */
async function expectState(root: string, expected: Map<string, Buffer>): Promise<void> {
  const fs = open(root);
  try {
    await expectContents(fs, expected);
  } finally {
    await fs.close();
  }
}

async function expectContents(fs: FilesystemBackend, expected: Map<string, Buffer>): Promise<void> {
  const listed: string[] = [];
  for await (const e of fs.list({})) listed.push(e.id);
  expect(listed).toEqual([...expected.keys()].sort());
  for (const [id, data] of expected) {
    expect({ id, data: (await readAll(await fs.get({ id }))).toString() }).toEqual({ id, data: data.toString() });
  }
  await expect(fs.head({ id: 'o/d/01' })).resolves.toBeNull();
}

/** Compacts in a store of its own, then checks the contents after a restart. */
async function compactAndCheck(root: string, expected: Map<string, Buffer>, minDeadFraction: number): Promise<void> {
  const fs = open(root);
  await fs.packs!.compact({ minDeadFraction });
  await fs.close();
  await expectState(root, expected);
}

describe('pack compaction', () => {
  it('reclaims dead segments and keeps every live blob, deletion and newest version', async () => {
    const { root, expected } = await scenario();
    const before = await segments(root);
    const fs = open(root);
    const statsBefore = await fs.packs!.stats();
    expect(statsBefore.deadBytes).toBeGreaterThan(0);
    const result = await fs.packs!.compact({ minDeadFraction: 0.5 });
    expect(result.segments).toBeGreaterThan(0);
    expect((await segments(root)).length).toBeLessThan(before.length + 1);
    const statsAfter = await fs.packs!.stats();
    expect(statsAfter.deadBytes).toBeLessThan(statsBefore.deadBytes);
    // The same instance keeps serving after its segments moved, and so does a restarted one.
    await expectContents(fs, expected);
    await fs.close();
    await expectState(root, expected);
  });

  it('compacting every segment, twice over, keeps the contents', async () => {
    const { root, expected } = await scenario();
    await compactAndCheck(root, expected, 0);
    await compactAndCheck(root, expected, 0);
  });

  it.each<[CompactionStep, number]>([
    ['copied-chunk', 1],
    ['copied-chunk', 3],
    ['copied', 1],
    ['copied', 2],
    ['retired', 1],
  ])('a crash at %s #%i leaves a store that reopens with the same contents and compacts to completion', async (stop, nth) => {
    const { root, expected } = await scenario();
    let seen = 0;
    const victim = open(root);
    const crashed = victim.packs!.compact({
      minDeadFraction: 0,
      copyChunkBytes: 256,
      step: (step) => {
        if (step === stop && ++seen === nth) throw new Error('crash');
      },
    });
    await expect(crashed).rejects.toThrow('crash');
    await victim.close(); // writes nothing more: what is on disk is what a crash would leave
    await expectState(root, expected);
    await compactAndCheck(root, expected, 0);
  });

  it('keeps a tombstone while the segment holding the put it hides exists, then lets it go', async () => {
    const { root, expected } = await scenario();
    // Compact only the segments with many deletions: the first segment (holding o/d/01) stays.
    await compactAndCheck(root, expected, 0.5);
    expect(await segments(root)).toContain('seg-00000000.pack');
    await compactAndCheck(root, expected, 0);
    expect(await segments(root)).not.toContain('seg-00000000.pack');
  });
});
