import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBodyToFile } from './write-file';
import { tempRoots } from './test-roots';

const freshRoot = tempRoots('excloud-write-file-');

async function writeTo(path: string, body: AsyncIterable<Buffer>): Promise<number> {
  const fh = await open(path, 'wx');
  try {
    return await writeBodyToFile(fh, body);
  } finally {
    await fh.close();
  }
}

/** Yields `data` in pieces of `piece` bytes, giving other writers a turn between pieces. */
async function* slowly(data: Buffer, piece: number): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; off += piece) {
    await new Promise((r) => setImmediate(r));
    yield data.subarray(off, off + piece);
  }
}


/**
 * A file whose writes read the caller's buffer only when they complete, a few turns later, the way
 * the thread pool does: a buffer handed to someone else while a write is in flight shows up as corruption.
 */
function lateReadingFile(): { fh: FileHandle; contents: () => Buffer } {
  const written: Buffer[] = [];
  const fh = {
    async write(buf: Buffer, offset: number, length: number) {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      written.push(Buffer.from(buf.subarray(offset, offset + length)));
      return { bytesWritten: length, buffer: buf };
    },
  } as unknown as FileHandle;
  return { fh, contents: () => Buffer.concat(written) };
}

describe('writeBodyToFile', () => {
  it('hands a staging buffer to the next writer only after its last write completed', async () => {
    // Staggered starts: later writers take their buffer while earlier ones are finishing.
    const bodies = Array.from({ length: 16 }, (_, i) => randomBytes(300_000 + i * 1_001));
    const files = bodies.map(() => lateReadingFile());
    async function* later(turns: number, body: Buffer): AsyncGenerator<Buffer> {
      for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
      yield* slowly(body, 50_000);
    }
    await Promise.all(bodies.map((b, i) => writeBodyToFile(files[i]!.fh, later(i * 2, b))));
    for (const [i, b] of bodies.entries()) expect(files[i]!.contents().equals(b)).toBe(true);
  });

  it('keeps interleaved writers apart while they share pooled staging buffers', async () => {
    const root = await freshRoot();
    const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(1_500_000 + i * 7_001));
    // Twice: the second round runs on buffers the first round returned to the pool.
    for (const round of [0, 1]) {
      const sizes = await Promise.all(bodies.map((b, i) => writeTo(join(root, `${round}-${i}`), slowly(b, 40_000))));
      expect(sizes).toEqual(bodies.map((b) => b.length));
      for (const [i, b] of bodies.entries()) expect((await readFile(join(root, `${round}-${i}`))).equals(b)).toBe(true);
    }
  });

  it('copies each chunk before asking for the next, so a producer may reuse its buffer', async () => {
    const root = await freshRoot();
    const expected: Buffer[] = [];
    async function* reusing(): AsyncGenerator<Buffer> {
      const buf = Buffer.alloc(30_000);
      for (let i = 0; i < 50; i++) {
        buf.fill(i);
        expected.push(Buffer.from(buf));
        yield buf;
      }
    }
    await writeTo(join(root, 'reused'), reusing());
    expect((await readFile(join(root, 'reused'))).equals(Buffer.concat(expected))).toBe(true);
  });

  it('writes chunks larger than the staging buffer directly, in order with staged bytes', async () => {
    const root = await freshRoot();
    const pieces = [randomBytes(10), randomBytes(3 * 1024 * 1024), randomBytes(5), randomBytes(1024 * 1024)];
    async function* body(): AsyncGenerator<Buffer> {
      yield* pieces;
    }
    await writeTo(join(root, 'big'), body());
    expect((await readFile(join(root, 'big'))).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('leaves nothing of a failed body in the next write that reuses its buffer', async () => {
    const root = await freshRoot();
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(200_000, 0xaa);
      throw new Error('aborted');
    }
    await expect(writeTo(join(root, 'failed'), failing())).rejects.toThrow('aborted');
    const next = randomBytes(100_000);
    await writeTo(join(root, 'next'), slowly(next, 10_000));
    expect((await readFile(join(root, 'next'))).equals(next)).toBe(true);
  });
});
