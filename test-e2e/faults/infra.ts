import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { postgresReachable } from '@excloud/test-kit';
import { freePort } from '../support/free-port';

/**
 * Private infrastructure for fault injection. The machine's Postgres (5432) and Redis (6379) serve
 * other people, so the matrix restarts and stops only instances it started itself, on their own
 * ports, and fills only a filesystem it mounted itself.
 */

export { freePort };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 200): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await ok()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const execFileAsync = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

/** Debian's Postgres binaries (postgresql-NN), newest version installed. */
function pgBin(tool: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(base, v, 'bin', tool))) return path.join(base, v, 'bin', tool);
  throw new Error(`no ${tool} under ${base}: apt-get install postgresql`);
}

/**
 * Runs a Postgres tool as the postgres user when we are root (Postgres refuses to run as root).
 * Asynchronously, so the load keeps running while Postgres stops and starts.
 */
async function asPostgres(tool: string, args: string[]): Promise<void> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', pgBin(tool), ...args]] : [pgBin(tool), args];
  await execFileAsync(cmd, argv);
}

/** A throwaway Postgres cluster (initdb into a temp dir) that the matrix may crash and restart. */
export class PrivatePostgres {
  private constructor(readonly dir: string, readonly port: number) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-faults-pg-'));
    if (isRoot()) execFileSync('chown', ['postgres:postgres', dir]);
    await asPostgres('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.up();
    return pg;
  }

  /** Admin URL; createTestDatabase() makes per-topology databases under it. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async up(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=300`;
    await asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'postgres.log'), '-o', opts, '-w', '-t', '60', 'start']);
    await until('private Postgres', () => postgresReachable(this.url), 30_000);
  }

  /** `-m immediate`: every backend is killed at once, as in a crash; restart runs WAL recovery. */
  async crash(): Promise<void> {
    await asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  async stop(): Promise<void> {
    try {
      await asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    } catch {
      // already down
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

}

/** A private redis-server with an append-only file, so a clean stop and start keeps its data. */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(readonly dir: string, readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(mkdtempSync(path.join(os.tmpdir(), 'excloud-faults-redis-')), await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const log = openSync(path.join(this.dir, 'redis.log'), 'a');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', ''];
    this.child = spawn('redis-server', args, { stdio: ['ignore', log, log] });
    // Replaying a long run's append-only file took 10 s on a loaded machine.
    await until('private Redis', () => pingRedis(this.port), 60_000, 100);
  }

  /** SIGTERM: Redis flushes its append-only file and exits, as an orderly restart does. */
  async down(opts: { wipe?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    this.child = undefined;
    if (opts.wipe) for (const f of readdirSync(this.dir)) if (f !== 'redis.log') rmSync(path.join(this.dir, f), { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000);
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      s.destroy();
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      resolve(false);
      s.destroy();
    });
  });
}

/** A size-limited tmpfs of our own: writes past its size fail with ENOSPC. Needs root. */
export class SmallFilesystem {
  private constructor(readonly dir: string) {}

  static canMount(): boolean {
    return isRoot();
  }

  static mount(sizeMiB: number): SmallFilesystem {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'excloud-faults-fs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir]);
    return new SmallFilesystem(dir);
  }

  /** Bytes in use, as `df` counts them. */
  usedBytes(): number {
    const out = execFileSync('df', ['-B1', '--output=used', this.dir], { encoding: 'utf8' });
    return Number(out.trim().split('\n').pop());
  }

  unmount(): void {
    execFileSync('umount', ['-l', this.dir]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP relay that holds every chunk, in both directions, for `delayMs` before passing it on:
 * a slow object store behind the blob service. Order is kept because every chunk waits the
 * same time, and the delay can be changed while connections are open.
 */
export class LatencyProxy {
  delayMs = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(target: { host: string; port: number }): Promise<LatencyProxy> {
    // eslint-disable-next-line prefer-const -- assigned once the server listens; the connection handler below captures it before that
    let proxy: LatencyProxy;
    const server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      const relay = (from: net.Socket, to: net.Socket) => {
        from.on('data', (chunk) => {
          const send = () => to.writable && to.write(chunk);
          if (proxy.delayMs > 0) setTimeout(send, proxy.delayMs);
          else send();
        });
        from.on('end', () => setTimeout(() => to.end(), proxy.delayMs));
      };
      relay(client, upstream);
      relay(upstream, client);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
        s.on('close', () => proxy.sockets.delete(s));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new LatencyProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
