import { createHash } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StartFailure } from './start-failure';

/**
 * One local mode per data directory. The lock is a listening Unix socket named after the data
 * directory: the kernel frees it when the process dies however it dies, so a crash never leaves a
 * stale lock behind (Linux: abstract socket, no file at all). A second local mode connects to it
 * and learns who holds it, which makes its one-line error useful.
 */
export interface DataDirLock {
  /** What a second local mode is told about this one (the endpoint is known only later). */
  describe(info: { endpoint: string }): void;
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  endpoint?: string;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const real = realpathSync(dataDir);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 32);
  const address = process.platform === 'linux' ? `\0excloud-buckets-local/${id}` : path.join(os.tmpdir(), `excloud-buckets-${id}.sock`);
  const holder: Holder = { pid: process.pid };
  const server = net.createServer((socket) => socket.end(JSON.stringify(holder)));
  for (let attempt = 0; ; attempt++) {
    const err = await listen(server, address);
    if (!err) break;
    if (err.code !== 'EADDRINUSE') throw err;
    const other = await ask(address);
    if (other) {
      const who = `${other.pid ? `pid ${other.pid}` : 'pid unknown'}${other.endpoint ? `, endpoint ${other.endpoint}` : ', still starting'}`;
      throw new StartFailure(
        `another local mode (${who}) is already using the data directory ${real}`,
        'use that one, stop it (Ctrl-C or kill its pid) before starting again, or set EXCLOUD_DATA_DIR to another directory',
      );
    }
    // A socket file nobody answers on (not Linux, after a crash): remove it and try once more.
    if (attempt > 0 || address.startsWith('\0')) {
      throw new StartFailure(`the lock of the data directory ${real} is held but its holder does not answer`, 'stop any other local mode using it, or set EXCLOUD_DATA_DIR to another directory');
    }
    rmSync(address, { force: true });
  }
  server.unref();
  return {
    describe: (info) => void (holder.endpoint = info.endpoint),
    release: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function listen(server: net.Server, address: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}

/** The holder's description, or undefined when nobody answers within a second. */
function ask(address: string): Promise<Holder | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = '';
    let connected = false;
    socket.on('connect', () => (connected = true));
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as Holder);
      } catch {
        // Connected but said nothing readable (busy, or an older version): still somebody holds it.
        resolve(connected ? { pid: 0 } : undefined);
      }
    });
  });
}
