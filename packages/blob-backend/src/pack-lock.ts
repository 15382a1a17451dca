import { createHash } from 'node:crypto';
import { realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';

/**
 * One writer per pack directory: two processes appending to the same segment would interleave
 * records and corrupt each other's offsets, where file-per-blob puts were safe to share a root.
 * The lock is a listening Unix socket named after the directory (abstract on Linux), so the kernel
 * frees it however the holder dies and no stale lock survives a crash.
 */
export async function lockPackDir(dir: string): Promise<{ release(): Promise<void> }> {
  const real = await realpath(dir);
  const linux = process.platform === 'linux';
  const id = createHash('sha256').update(real).digest('hex').slice(0, 32);
  const address = linux ? `\0excloud-pack/${id}` : join(real, 'LOCK.sock');
  const server = net.createServer((socket) => socket.end());
  for (let attempt = 0; ; attempt++) {
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(address, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!err) break;
    // Elsewhere the socket is a file a crashed holder may have left: take it over if nobody answers.
    if (err.code === 'EADDRINUSE' && !linux && attempt === 0 && !(await answers(address))) {
      await rm(address, { force: true });
      continue;
    }
    if (err.code === 'EADDRINUSE') throw new Error(`another blob backend (this process or another) already writes the pack segments in ${real}`);
    throw err;
  }
  server.unref();
  return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
