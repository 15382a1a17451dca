import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AlignedStagingPool, DIRECT_STAGING_BUFFERS, DIRECT_STAGING_SIZE, directStaging, openPutFile } from './direct-io';
import { FilesystemBackend } from './filesystem';
import { tempRoots } from './test-roots';
import { writeBodyToFile } from './write-file';

const freshRoot = tempRoots('excloud-direct-io-');

/** Yields `data` in pieces of these sizes, round-robin (bodies arrive in odd sizes). */
async function* pieces(data: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield data.subarray(off, off + n);
    off += n;
  }
}

describe('direct I/O', () => {
  it('hands out page-aligned buffers: an O_DIRECT write from each is accepted', async () => {
    // A misaligned buffer is EINVAL from the kernel, so this fails if the carving is off.
    const root = await freshRoot();
    const pool = new AlignedStagingPool(3);
    const taken = [pool.tryAcquire(), pool.tryAcquire(), pool.tryAcquire()];
    expect(pool.tryAcquire()).toBeUndefined();
    for (const [i, buf] of taken.entries()) {
      expect(buf!.length).toBe(DIRECT_STAGING_SIZE);
      const fh = await open(join(root, `aligned-${i}`), constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT);
      try {
        await fh.write(buf!.fill(i), 0, 4096, 0);
      } finally {
        await fh.close();
      }
    }
    pool.release(taken[1]!);
    expect(pool.tryAcquire()).toBe(taken[1]);
  });

  it('lets its memory go once every buffer has been back for the idle time, and carves anew on the next put', async () => {
    const pool = new AlignedStagingPool(2, 20);
    const a = pool.tryAcquire()!;
    const b = pool.tryAcquire()!;
    pool.release(a);
    await new Promise((r) => setTimeout(r, 60));
    // One buffer is still out: the memory stays.
    expect(pool.carved).toBe(true);
    pool.release(b);
    expect(pool.carved).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(pool.carved).toBe(false);
    const fresh = pool.tryAcquire()!;
    expect(fresh.length).toBe(DIRECT_STAGING_SIZE);
    expect(fresh.buffer).not.toBe(a.buffer);
    // A put that arrives within the idle time keeps the memory.
    pool.release(fresh);
    await new Promise((r) => setTimeout(r, 5));
    const again = pool.tryAcquire()!;
    await new Promise((r) => setTimeout(r, 60));
    expect(pool.carved).toBe(true);
    expect(again.buffer).toBe(fresh.buffer);
    pool.release(again);
  });

  it.each([1, 4095, 4096, 4097, DIRECT_STAGING_SIZE - 1, DIRECT_STAGING_SIZE, DIRECT_STAGING_SIZE * 3 + 12_345])(
    'writes a %i-byte body through O_DIRECT exactly (padded last block truncated away)',
    async (size) => {
      const root = await freshRoot();
      const path = join(root, 'blob');
      const staging = directStaging.tryAcquire()!;
      const data = randomBytes(size);
      try {
        const file = await openPutFile(path, staging, () => {
          throw new Error('this test needs a file system that takes O_DIRECT');
        });
        expect(file.staging).toBe(staging);
        try {
          expect(await writeBodyToFile(file.fh, pieces(data, [65_536 + 28, 17, 2 * DIRECT_STAGING_SIZE, 4096]), file.staging)).toBe(size);
        } finally {
          await file.fh.close();
        }
      } finally {
        directStaging.release(staging);
      }
      expect((await stat(path)).size).toBe(size);
      expect((await readFile(path)).equals(data)).toBe(true);
    },
  );

  it('pulls the next chunks while a direct write is in flight, and writes in order', async () => {
    // A file whose writes finish only when the test says so: pulling must go on meanwhile.
    const writes: { position: number; data: Buffer; done: () => void }[] = [];
    const fh = {
      write: (buf: Buffer, offset: number, length: number, position: number) =>
        new Promise((resolve) => writes.push({ position, data: Buffer.from(buf.subarray(offset, offset + length)), done: () => resolve({ bytesWritten: length }) })),
      truncate: async () => undefined,
    } as unknown as FileHandle;
    const data = randomBytes(DIRECT_STAGING_SIZE * 2);
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for (let off = 0; off < data.length; off += 65_536) {
        pulled += 65_536;
        yield data.subarray(off, off + 65_536);
      }
    }
    const staging = Buffer.alloc(DIRECT_STAGING_SIZE);
    const result = writeBodyToFile(fh, counted(), staging);
    await new Promise((r) => setImmediate(r));
    // The first half is being written and the second half filled; nothing overwrites the first.
    expect(writes).toHaveLength(1);
    expect(pulled).toBe(DIRECT_STAGING_SIZE);
    for (let i = 0; writes.length > i; i++) {
      writes[i]!.done();
      for (let t = 0; t < 5; t++) await new Promise((r) => setImmediate(r));
    }
    await expect(result).resolves.toBe(data.length);
    expect(writes.map((w) => w.position)).toEqual([0, 1, 2, 3].map((i) => (i * DIRECT_STAGING_SIZE) / 2));
    expect(Buffer.concat(writes.map((w) => w.data)).equals(data)).toBe(true);
  });

  it('rejects with a failed direct write, and returns only once no write reads the staging buffer', async () => {
    let pending = 0;
    const fh = {
      write: async () => {
        pending += 1;
        await new Promise((r) => setTimeout(r, 20));
        pending -= 1;
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      },
    } as unknown as FileHandle;
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(DIRECT_STAGING_SIZE / 2);
      yield Buffer.alloc(100);
      // The body fails while the first write is still in flight.
      throw new Error('client went away');
    }
    await expect(writeBodyToFile(fh, body(), Buffer.alloc(DIRECT_STAGING_SIZE))).rejects.toThrow('client went away');
    expect(pending).toBe(0);
    async function* longer(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(DIRECT_STAGING_SIZE / 2);
    }
    await expect(writeBodyToFile(fh, longer(), Buffer.alloc(DIRECT_STAGING_SIZE))).rejects.toThrow('EIO');
    expect(pending).toBe(0);
  });

  it('falls back to a buffered file where the file system refuses O_DIRECT', async () => {
    // What Linux does on such a file system (some FUSE and network mounts): create, then EINVAL.
    const refusingOpen = (async (path: string, flags: number, mode: number) => {
      const fh = await open(path, flags & ~constants.O_DIRECT, mode);
      if ((flags & constants.O_DIRECT) === 0) return fh;
      await fh.close();
      throw Object.assign(new Error('EINVAL: invalid argument, open'), { code: 'EINVAL' });
    }) as typeof open;
    const path = join(await freshRoot(), 'blob');
    let refused = 0;
    const staging = directStaging.tryAcquire()!;
    try {
      const file = await openPutFile(path, staging, () => refused++, refusingOpen);
      expect(file.staging).toBeUndefined();
      try {
        expect(await writeBodyToFile(file.fh, pieces(Buffer.from('buffered after all'), [7]), file.staging)).toBe(18);
      } finally {
        await file.fh.close();
      }
    } finally {
      directStaging.release(staging);
    }
    expect(refused).toBe(1);
    expect(await readFile(path, 'utf8')).toBe('buffered after all');
  });

  it('keeps taking puts when more run at once than there are aligned buffers', async () => {
    const fs = new FilesystemBackend({ root: await freshRoot() });
    const bodies = Array.from({ length: DIRECT_STAGING_BUFFERS + 8 }, (_, i) => randomBytes(200_000 + i));
    // Each body arrives in two turns, so all puts hold their staging buffer at once.
    async function* twoTurns(b: Buffer): AsyncGenerator<Buffer> {
      yield b.subarray(0, 100_000);
      await new Promise((r) => setTimeout(r, 20));
      yield b.subarray(100_000);
    }
    await Promise.all(bodies.map((b, i) => fs.put({ id: `org/20250101/p${i}`, body: twoTurns(b) })));
    for (const [i, b] of bodies.entries()) {
      const got: Buffer[] = [];
      for await (const c of await fs.get({ id: `org/20250101/p${i}` })) got.push(c as Buffer);
      expect(Buffer.concat(got).equals(b)).toBe(true);
    }
    // Every buffer went back: all can be taken again.
    const again = Array.from({ length: DIRECT_STAGING_BUFFERS }, () => directStaging.tryAcquire());
    expect(again.every(Boolean)).toBe(true);
    expect(directStaging.tryAcquire()).toBeUndefined();
    for (const b of again) directStaging.release(b!);
  });
});
