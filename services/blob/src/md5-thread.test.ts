import { createHash, randomBytes } from 'node:crypto';
import { Md5Thread } from './md5-thread';

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** Feeds `data` in pieces of these sizes (round-robin), awaiting backpressure as the route does. */
async function hash(thread: Md5Thread, data: Buffer, sizes: number[]): Promise<string> {
  const job = thread.start();
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    const waiting = job.update(data.subarray(off, off + n));
    if (waiting) await waiting;
    off += n;
  }
  return job.digest();
}

describe('Md5Thread', () => {
  let thread: Md5Thread;
  afterEach(async () => {
    await thread.close();
  });

  it('hashes bodies exactly, in pieces smaller and larger than a slot, and empty ones', async () => {
    thread = new Md5Thread({ slots: 4, slotBytes: 4096 });
    for (const size of [0, 1, 4095, 4096, 4097, 100_000]) {
      const data = randomBytes(size);
      await expect(hash(thread, data, [1000, 4096, 9000, 3])).resolves.toBe(md5(data));
    }
  });

  it('keeps many bodies apart when their pieces interleave, with the ring full most of the time', async () => {
    // 2 slots for 12 jobs: nearly every update waits for room.
    thread = new Md5Thread({ slots: 2, slotBytes: 1024 });
    const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(20_000 + i * 777));
    const digests = await Promise.all(bodies.map((b, i) => hash(thread, b, [500 + i * 100, 2048])));
    expect(digests).toEqual(bodies.map(md5));
  });

  it('makes a caller wait when the ring is full, and lets it go on once the thread caught up', async () => {
    thread = new Md5Thread({ slots: 2, slotBytes: 1024 });
    const job = thread.start();
    // The thread may take the first pieces at once; within a handful the ring must be full.
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < 100 && !waiting; i++) waiting = job.update(Buffer.alloc(1024, i));
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    await expect(job.digest()).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  it('a dropped job does not disturb the next one', async () => {
    thread = new Md5Thread({ slots: 4, slotBytes: 1024 });
    const dropped = thread.start();
    await dropped.update(randomBytes(3000));
    dropped.drop();
    const data = randomBytes(5000);
    await expect(hash(thread, data, [700])).resolves.toBe(md5(data));
  });

  it('fails a job in flight when the thread dies, and refuses new ones', async () => {
    thread = new Md5Thread({ slots: 2, slotBytes: 1024 });
    const job = thread.start();
    await job.update(randomBytes(100));
    await thread.close();
    expect(thread.alive).toBe(false);
    await expect(job.digest()).rejects.toThrow(/MD5 thread exited/);
    expect(() => job.update(randomBytes(10))).toThrow(/MD5 thread exited/);
    expect(() => thread.start()).toThrow(/MD5 thread exited/);
  });
});
