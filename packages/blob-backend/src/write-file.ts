import type { FileHandle } from 'node:fs/promises';

/**
 * Small chunks (HTTP bodies arrive a few KiB at a time, encrypted frames are 64 KiB) are copied into
 * a 1 MiB staging buffer so a 10 MiB body costs ~10 writes, not thousands: on small VMs the
 * syscalls, not the copies, are what cost. Copying on receipt also means we
 * never hold on to a producer's buffer after asking it for the next chunk.
 */
const FIRST_STAGING_SIZE = 64 * 1024; // small bodies never allocate more
const STAGING_SIZE = 1024 * 1024;

async function writeAll(fh: FileHandle, buf: Buffer, length: number): Promise<void> {
  let offset = 0;
  while (offset < length) {
    const { bytesWritten } = await fh.write(buf, offset, length - offset);
    if (bytesWritten <= 0) throw new Error('short write: the file system accepted no bytes');
    offset += bytesWritten;
  }
}

/** Streams a put body (see takeBody) into an open file (at its current position) and returns the byte count. */
export async function writeBodyToFile(fh: FileHandle, body: AsyncIterable<Buffer>): Promise<number> {
  let staging = Buffer.allocUnsafe(FIRST_STAGING_SIZE);
  let staged = 0;
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (staged + chunk.length > staging.length && staging.length < STAGING_SIZE) {
      // The body is not small after all: move to the full-size buffer, keeping what is staged.
      const bigger = Buffer.allocUnsafe(STAGING_SIZE);
      staging.copy(bigger, 0, 0, staged);
      staging = bigger;
    }
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
  if (staged > 0) await writeAll(fh, staging, staged);
  return size;
}
