import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobNotFoundError, InvalidBlobIdError, type BlobBackend, type BlobListEntry } from './backend';

/**
 * The contract every BlobBackend must honour, as one jest suite. Implementations call it from
 * their own *.test.ts with a factory that returns a fresh, empty backend per test.
 * (Nothing here runs at import time, so exporting it from the package index is harmless.)
 */

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function* chunksOf(data: Buffer, maxChunk: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; ) {
    const n = Math.min(data.length - offset, randomInt(1, maxChunk + 1));
    yield data.subarray(offset, offset + n);
    offset += n;
  }
}

async function* failingBody(afterBytes: number, error: Error): AsyncGenerator<Buffer> {
  yield randomBytes(afterBytes);
  await new Promise((resolve) => setImmediate(resolve));
  throw error;
}

async function listAll(backend: BlobBackend, opts: { prefix?: string; after?: string; limit?: number } = {}): Promise<BlobListEntry[]> {
  const out: BlobListEntry[] = [];
  for await (const entry of backend.list(opts)) out.push(entry);
  return out;
}

/** Not toBeInstanceOf(Date): fs.Stats dates come from Node's realm, not jest's sandbox. */
function expectDate(value: unknown): void {
  expect(Object.prototype.toString.call(value)).toBe('[object Date]');
  expect(Number.isNaN((value as Date).getTime())).toBe(false);
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const id = (suffix: string): string => `org1/20250101/${suffix}`;

export function runBlobBackendConformance(name: string, make: () => Promise<BlobBackend>): void {
  describe(`BlobBackend conformance: ${name}`, () => {
    let backend: BlobBackend;
    beforeEach(async () => {
      backend = await make();
    });

    it('has a name from the closed set and passes its readiness check', async () => {
      expect(['fs', 'memory', 's3']).toContain(backend.name);
      await expect(backend.check()).resolves.toBeUndefined();
    });

    describe('put / get / head', () => {
      it('round-trips bytes and reports size and lastModified', async () => {
        const data = randomBytes(100_000);
        const before = Date.now();
        await expect(backend.put({ id: id('a'), body: chunksOf(data, 7000) })).resolves.toEqual({ size: data.length });
        expect((await readAll(await backend.get({ id: id('a') }))).equals(data)).toBe(true);
        const info = await backend.head({ id: id('a') });
        expect(info?.size).toBe(data.length);
        expectDate(info?.lastModified);
        expect(Math.abs(info!.lastModified.getTime() - before)).toBeLessThan(5 * 60_000);
      });

      it('accepts a Node readable stream as the body', async () => {
        const data = randomBytes(50_000);
        await backend.put({ id: id('stream'), body: Readable.from([data.subarray(0, 10), data.subarray(10)]) });
        expect((await readAll(await backend.get({ id: id('stream') }))).equals(data)).toBe(true);
      });

      it('stores an empty blob', async () => {
        await expect(backend.put({ id: id('empty'), body: chunksOf(Buffer.alloc(0), 1) })).resolves.toEqual({ size: 0 });
        expect(await readAll(await backend.get({ id: id('empty') }))).toHaveLength(0);
        expect((await backend.head({ id: id('empty') }))?.size).toBe(0);
        expect((await listAll(backend)).map((e) => [e.id, e.size])).toEqual([[id('empty'), 0]]);
      });

      it('stores a 10 MiB blob sent in many small chunks', async () => {
        const data = randomBytes(10 * 1024 * 1024);
        await expect(backend.put({ id: id('big'), body: chunksOf(data, 4096) })).resolves.toEqual({ size: data.length });
        expect(sha256(await readAll(await backend.get({ id: id('big') })))).toBe(sha256(data));
        expect((await backend.head({ id: id('big') }))?.size).toBe(data.length);
      }, 120_000);

      it('handles concurrent puts of different ids', async () => {
        const blobs = Array.from({ length: 8 }, (_, i) => ({ id: id(`c${i}`), data: randomBytes(1000 + i) }));
        await Promise.all(blobs.map((b) => backend.put({ id: b.id, body: chunksOf(b.data, 300) })));
        for (const b of blobs) expect((await readAll(await backend.get({ id: b.id }))).equals(b.data)).toBe(true);
      });
    });

    describe('range reads', () => {
      const data = randomBytes(1000);
      beforeEach(async () => {
        await backend.put({ id: id('r'), body: chunksOf(data, 100) });
      });

      it.each([
        ['first byte', 0, 0],
        ['last byte', 999, 999],
        ['whole blob', 0, 999],
        ['middle', 10, 20],
        ['single middle byte', 500, 500],
      ])('%s', async (_label, start, end) => {
        const got = await readAll(await backend.get({ id: id('r'), range: { start, end } }));
        expect(got.equals(data.subarray(start, end + 1))).toBe(true);
      });

      it.each([
        ['past the end', 0, 1000],
        ['starting at the size', 1000, 1000],
        ['reversed', 5, 4],
        ['negative', -1, 3],
      ])('rejects a range %s with RangeError', async (_label, start, end) => {
        await expect(backend.get({ id: id('r'), range: { start, end } })).rejects.toBeInstanceOf(RangeError);
      });

      it('rejects any range on an empty blob', async () => {
        await backend.put({ id: id('e'), body: chunksOf(Buffer.alloc(0), 1) });
        await expect(backend.get({ id: id('e'), range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('missing blobs and delete', () => {
      it('get of a missing id rejects with BlobNotFoundError (with or without range); head is null', async () => {
        await expect(backend.get({ id: id('nope') })).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(backend.get({ id: id('nope'), range: { start: 0, end: 0 } })).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(backend.head({ id: id('nope') })).resolves.toBeNull();
      });

      it('delete is idempotent and removes the blob everywhere', async () => {
        await expect(backend.delete({ id: id('never') })).resolves.toBeUndefined();
        await backend.put({ id: id('d'), body: chunksOf(randomBytes(10), 3) });
        await backend.delete({ id: id('d') });
        await expect(backend.head({ id: id('d') })).resolves.toBeNull();
        await expect(backend.get({ id: id('d') })).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await listAll(backend)).toEqual([]);
        await expect(backend.delete({ id: id('d') })).resolves.toBeUndefined();
      });

      it('a prefix of existing ids is not itself a blob', async () => {
        await backend.put({ id: 'o/d/x', body: chunksOf(randomBytes(5), 5) });
        await expect(backend.head({ id: 'o/d' })).resolves.toBeNull();
        await expect(backend.get({ id: 'o/d' })).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(backend.delete({ id: 'o/d' })).resolves.toBeUndefined();
        expect((await listAll(backend)).map((e) => e.id)).toEqual(['o/d/x']);
      });
    });

    describe('list', () => {
      // Chosen so that byte order differs from naive per-directory name order ('-' < '/' < '0' < 'A' < '_' < 'a').
      const ids = ['o1/d1/A', 'o1/d1/a', 'o1/d1/_', 'o1/d1/0', 'o1/d1/-', 'o1/d1-x/b', 'o1/d10/c', 'o1-z/y/z', 'o2/d/z', 'o1/d1/a-b'];
      const sorted = [...ids].sort(byteOrder);
      const sizeOf = (i: string): number => ids.indexOf(i) + 1;
      beforeEach(async () => {
        for (const i of [...ids].sort(() => Math.random() - 0.5)) {
          await backend.put({ id: i, body: chunksOf(randomBytes(sizeOf(i)), 2) });
        }
      });

      it('returns every id in ascending byte order with its size', async () => {
        const all = await listAll(backend);
        expect(all.map((e) => e.id)).toEqual(sorted);
        for (const e of all) {
          expect(e.size).toBe(sizeOf(e.id));
          expectDate(e.lastModified);
        }
      });

      it('filters by prefix (including prefixes that end mid-segment)', async () => {
        const prefixes = new Set<string>(['', 'zzz', 'o3/', 'o1/d1/a-']);
        for (const i of ids) for (let n = 1; n <= i.length; n++) prefixes.add(i.slice(0, n));
        for (const prefix of prefixes) {
          const got = (await listAll(backend, { prefix })).map((e) => e.id);
          expect({ prefix, got }).toEqual({ prefix, got: sorted.filter((i) => i.startsWith(prefix)) });
        }
      });

      it('starts strictly after `after` (any string, not only existing ids)', async () => {
        const cursors = new Set<string>(['', 'o1', 'o1/d1-', 'o1/d1/Z', 'o1/d1/a-a', 'o9']);
        for (const i of ids) for (let n = 1; n <= i.length; n++) cursors.add(i.slice(0, n));
        for (const after of cursors) {
          const got = (await listAll(backend, { after })).map((e) => e.id);
          expect({ after, got }).toEqual({ after, got: sorted.filter((i) => i > after) });
        }
      });

      it('combines prefix, after and limit; pages through everything', async () => {
        expect((await listAll(backend, { prefix: 'o1/d1', after: 'o1/d1/_' })).map((e) => e.id)).toEqual(
          sorted.filter((i) => i.startsWith('o1/d1') && i > 'o1/d1/_'),
        );
        expect((await listAll(backend, { limit: 3 })).map((e) => e.id)).toEqual(sorted.slice(0, 3));
        expect(await listAll(backend, { limit: 0 })).toEqual([]);
        const paged: string[] = [];
        for (let after = ''; ; ) {
          const page = await listAll(backend, { after, limit: 2 });
          if (page.length === 0) break;
          paged.push(...page.map((e) => e.id));
          after = page[page.length - 1]!.id;
        }
        expect(paged).toEqual(sorted);
      });

      it('rejects invalid list options', async () => {
        await expect(listAll(backend, { prefix: '../' })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(listAll(backend, { prefix: '/abs' })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(listAll(backend, { after: 'a b' })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(listAll(backend, { limit: -1 })).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('invalid ids', () => {
      const bad = ['../x', 'a/../b', '/abs', '', 'a//b', 'a/', './a', 'a/./b', 'a\\b', 'a b', 'a..b', 'ä', 'x'.repeat(513), `a/${'y'.repeat(256)}`];

      it.each(bad.map((b) => [b.length > 40 ? `${b.slice(0, 12)}…(${b.length})` : JSON.stringify(b), b]))('%s is rejected by every operation', async (_label, badId) => {
        await expect(backend.put({ id: badId, body: chunksOf(randomBytes(3), 3) })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(backend.get({ id: badId })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(backend.head({ id: badId })).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(backend.delete({ id: badId })).rejects.toBeInstanceOf(InvalidBlobIdError);
        expect(await listAll(backend)).toEqual([]);
      });

      it('accepts a 512-character id', async () => {
        const long = Array.from({ length: 4 }, (_, i) => String(i).repeat(127)).join('/');
        expect(long).toHaveLength(511);
        const longest = `${long}z`;
        await backend.put({ id: longest, body: chunksOf(randomBytes(4), 4) });
        expect((await backend.head({ id: longest }))?.size).toBe(4);
      });
    });

    describe('failed bodies leave nothing visible', () => {
      async function expectNothingVisible(): Promise<void> {
        await expect(backend.head({ id: id('fail') })).resolves.toBeNull();
        await expect(backend.get({ id: id('fail') })).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await listAll(backend)).toEqual([]);
      }

      it('an async iterable that throws half-way', async () => {
        await expect(backend.put({ id: id('fail'), body: failingBody(200_000, new Error('client went away')) })).rejects.toThrow(
          'client went away',
        );
        await expectNothingVisible();
      });

      it('a stream destroyed with an error half-way through reading', async () => {
        let reads = 0;
        const body = new Readable({
          read() {
            if (reads++ < 5) this.push(randomBytes(20_000));
            else this.destroy(new Error('socket reset'));
          },
        });
        await expect(backend.put({ id: id('fail'), body })).rejects.toThrow('socket reset');
        await expectNothingVisible();
      });

      it('a stream that errors before the backend starts reading (no crash, same rejection)', async () => {
        const body = new Readable({ read() {} });
        body.push(randomBytes(1000));
        const put = backend.put({ id: id('fail'), body });
        body.destroy(new Error('early reset'));
        await expect(put).rejects.toThrow('early reset');
        await expectNothingVisible();
      });

      it('a stream that yields strings (an encoding was set) is refused', async () => {
        await expect(backend.put({ id: id('fail'), body: Readable.from(['text']) })).rejects.toBeInstanceOf(TypeError);
        await expectNothingVisible();
      });
    });
  });
}
