import { randomBytes } from 'node:crypto';
import { fstatSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BORROWED_READ_SIZE, BorrowedFileStream } from './borrowed-read';
import { tempRoots } from './test-roots';

const freshRoot = tempRoots('excloud-borrowed-read-');

async function fileWith(data: Buffer): Promise<string> {
  const path = join(await freshRoot(), 'blob');
  await writeFile(path, data);
  return path;
}

/** What a borrowing reader does: copies (or otherwise finishes with) each chunk inside its handler. */
function collectInHandler(stream: BorrowedFileStream, pauseEvery = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const copies: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      copies.push(Buffer.from(chunk));
      if (pauseEvery && copies.length % pauseEvery === 0) {
        // Backpressure: the next chunk must not overwrite this one's buffer while paused either.
        stream.pause();
        setTimeout(() => stream.resume(), 2);
      }
    });
    stream.on('end', () => resolve(Buffer.concat(copies)));
    stream.on('error', reject);
  });
}

describe('BorrowedFileStream', () => {
  const sizes = [0, 1, BORROWED_READ_SIZE - 1, BORROWED_READ_SIZE, BORROWED_READ_SIZE + 1, 5 * BORROWED_READ_SIZE + 777];

  it.each(sizes)('reads a %i-byte file whole, each chunk intact when its handler runs', async (size) => {
    const data = randomBytes(size);
    const fd = openSync(await fileWith(data), 'r');
    expect((await collectInHandler(new BorrowedFileStream(fd, 0, size))).equals(data)).toBe(true);
  });

  it('keeps chunks intact across pauses (several streams at once, sharing the pool)', async () => {
    const datas = Array.from({ length: 6 }, (_, i) => randomBytes(3 * BORROWED_READ_SIZE + i * 4099));
    const got = await Promise.all(
      datas.map(async (data) => collectInHandler(new BorrowedFileStream(openSync(await fileWith(data), 'r'), 0, data.length), 1)),
    );
    got.forEach((g, i) => expect(g.equals(datas[i]!)).toBe(true));
  });

  it('reads an inner range [start, end)', async () => {
    const data = randomBytes(2 * BORROWED_READ_SIZE + 10);
    const fd = openSync(await fileWith(data), 'r');
    const start = 12_345;
    const end = BORROWED_READ_SIZE + 999;
    expect((await collectInHandler(new BorrowedFileStream(fd, start, end))).equals(data.subarray(start, end))).toBe(true);
  });

  it('serves a reader that takes chunks with the async iterator, one before the next', async () => {
    const data = randomBytes(4 * BORROWED_READ_SIZE + 3);
    const copies: Buffer[] = [];
    for await (const chunk of new BorrowedFileStream(openSync(await fileWith(data), 'r'), 0, data.length)) {
      await new Promise((r) => setImmediate(r));
      copies.push(Buffer.from(chunk as Buffer));
    }
    expect(Buffer.concat(copies).equals(data)).toBe(true);
  });

  it('ends early when the file is shorter than the range (the reader checks the length)', async () => {
    const data = randomBytes(1000);
    const fd = openSync(await fileWith(data), 'r');
    expect((await collectInHandler(new BorrowedFileStream(fd, 0, 5000))).equals(data)).toBe(true);
  });

  it('closes the file when destroyed mid-read', async () => {
    const data = randomBytes(3 * BORROWED_READ_SIZE);
    const fd = openSync(await fileWith(data), 'r');
    const stream = new BorrowedFileStream(fd, 0, data.length);
    await new Promise<void>((resolve) => {
      stream.once('data', () => {
        stream.destroy();
        stream.once('close', () => resolve());
      });
    });
    expect(() => fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
