import type { FileHandle } from 'node:fs/promises';

/**
 * Small chunks (HTTP bodies often arrive in a few KiB at a time) are copied into a staging buffer so
 * a 10 MiB body in 1 KiB chunks costs ~160 writes, not 10,000. Copying on receipt also means we
 * never hold on to a producer's buffer after asking it for the next chunk.
 */
const STAGING_SIZE = 64 * 1024;

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
  const staging = Buffer.allocUnsafe(STAGING_SIZE);
  let staged = 0;
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (staged > 0 && staged + chunk.length > STAGING_SIZE) {
      await writeAll(fh, staging, staged);
      staged = 0;
    }
    if (chunk.length >= STAGING_SIZE) {
      await writeAll(fh, chunk, chunk.length);
    } else {
      chunk.copy(staging, staged);
      staged += chunk.length;
    }
  }
  if (staged > 0) await writeAll(fh, staging, staged);
  return size;
}
