import type { FileHandle } from 'node:fs/promises';
import { BufferPool } from './buffer-pool';
import { DIRECT_IO_ALIGNMENT } from './direct-io';

/**
 * Small chunks (HTTP bodies arrive a few KiB at a time, encrypted frames are 64 KiB) are copied into
 * a 1 MiB staging buffer so a 10 MiB body costs ~10 writes, not thousands: on small VMs the
 * syscalls, not the copies, are what cost. Copying on receipt also means we never hold on to a
 * producer's buffer after asking it for the next chunk (producers may reuse theirs), which is why
 * this copies rather than gathering the chunks into one writev.
 *
 * Staging buffers are pooled per process: a fresh 1 MiB buffer per put was the largest allocation
 * left on the large-put path, and that external memory is what drove full-heap collections. The
 * pool keeps at most 8 idle buffers (8 MiB), enough for the usual number of concurrent
 * puts; a burst beyond that allocates and lets the extras go.
 */
const stagingPool = new BufferPool(1024 * 1024, 8);

/** Writes at `position`, or at the file's current position when it is null. */
async function writeAll(fh: FileHandle, buf: Buffer, length: number, position: number | null = null): Promise<void> {
  let offset = 0;
  while (offset < length) {
    const { bytesWritten } = await fh.write(buf, offset, length - offset, position === null ? null : position + offset);
    if (bytesWritten <= 0) throw new Error('short write: the file system accepted no bytes');
    offset += bytesWritten;
  }
}

/**
 * Streams a put body (see takeBody) into an open file (at its current position) and returns the byte
 * count. `directStaging`: the file is open with O_DIRECT and this aligned buffer is the put's own.
 */
export async function writeBodyToFile(fh: FileHandle, body: AsyncIterable<Buffer>, directStaging?: Buffer): Promise<number> {
  if (directStaging) return writeDirect(fh, body, directStaging);
  // Taken on the first chunk: an empty body (or one that fails before any data) never holds a buffer.
  let staging: Buffer | undefined;
  let staged = 0;
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      staging ??= stagingPool.take();
      if (staged > 0 && staged + chunk.length > staging.length) {
        await writeAll(fh, staging, staged);
        staged = 0;
      }
      if (chunk.length >= staging.length) {
        await writeAll(fh, chunk, chunk.length);
      } else {
        chunk.copy(staging, staged);
        staged += chunk.length;
      }
    }
    if (staging && staged > 0) await writeAll(fh, staging, staged);
  } finally {
    // Every write on it has settled by now (each is awaited), so the next put may reuse it.
    if (staging) stagingPool.give(staging);
  }
  return size;
}

/**
 * writeBodyToFile for a file opened with O_DIRECT: every write is whole aligned blocks from the
 * aligned staging buffer, so bodies are always copied (no write straight from a chunk). The last
 * block is zero-padded and the file then truncated to the body's size.
 *
 * The buffer is used as two halves: one is written while the next chunks (hashed and encrypted as
 * they are pulled) fill the other. A direct write holds its thread until the device has the bytes,
 * so awaiting each one left the CPU idle for that long on every half-MiB of a large put.
 */
async function writeDirect(fh: FileHandle, body: AsyncIterable<Buffer>, staging: Buffer): Promise<number> {
  const half = staging.length / 2;
  const halves = [staging.subarray(0, half), staging.subarray(half)] as const;
  let current = 0;
  let staged = 0;
  let size = 0;
  let position = 0;
  let inFlight: Promise<void> | undefined;
  const startWrite = async (buf: Buffer, length: number) => {
    // One write at a time, in order: the other half may be refilled only once its write is done.
    await inFlight;
    const at = position;
    position += length;
    inFlight = writeAll(fh, buf, length, at);
    // Seen as handled while we go on pulling the body; the next await of it rethrows.
    inFlight.catch(() => undefined);
  };
  try {
    for await (const chunk of body) {
      size += chunk.length;
      for (let from = 0; from < chunk.length; ) {
        const copied = chunk.copy(halves[current]!, staged, from);
        staged += copied;
        from += copied;
        if (staged === half) {
          await startWrite(halves[current]!, half);
          current ^= 1;
          staged = 0;
        }
      }
    }
    if (staged > 0) {
      const padded = Math.ceil(staged / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
      halves[current]!.fill(0, staged, padded);
      await startWrite(halves[current]!, padded);
    }
    await inFlight;
    if (position !== size) await fh.truncate(size);
    return size;
  } finally {
    // The caller hands the staging buffer to the next put once this returns: no write may still read it.
    await inFlight?.catch(() => undefined);
  }
}
