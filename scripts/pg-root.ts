import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { StartFailure } from './start-failure';

/**
 * Postgres refuses to run as root, so as root it runs as the `postgres` system user. That user
 * must be able to reach the binaries and the data directory, which it cannot when the checkout
 * sits in a private (0700) directory such as /root or a `mktemp -d` folder. Rather than open up
 * the user's directories, we put what Postgres needs where it can reach it, under EMBEDDED_PG_HOME
 * (/var/lib/excloud-buckets): the binaries (hard links into node_modules, so no copy when on the
 * same disk) and the cluster (owned by `postgres`, mode 0700). The checkout keeps a symlink
 * `.data/postgres` pointing at the cluster, so the data stays tied to the checkout's `.data`.
 * When the checkout is reachable (a world-traversable path, as in CI), nothing moves.
 */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export const DEFAULT_PG_HOME = '/var/lib/excloud-buckets';
const PG_USER = 'postgres';

/** The system user Postgres runs as when we are root, created on first use as the package did. */
export function ensurePostgresUser(): RunAs {
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      return { name: PG_USER, uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  const groupExists = spawnSync('getent', ['group', PG_USER]).status === 0;
  const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['-g', PG_USER] : ['--user-group']), PG_USER], {
    encoding: 'utf8',
  });
  const created = made.status === 0 ? lookup() : undefined;
  if (!created) {
    throw new StartFailure(
      `Postgres cannot run as root and the '${PG_USER}' system user could not be created (${(made.stderr || made.error?.message || 'useradd failed').trim()})`,
      `create it (useradd --system ${PG_USER}), or run local mode as an ordinary user`,
    );
  }
  return created;
}

/** Whether `user` can search (and so reach everything readable inside) `dir`, ACLs included. */
export function canReach(user: RunAs, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** The bundled Postgres (bin, lib, share) at a path `user` can reach; linked there once per version. */
export function reachableBinaries(user: RunAs, nativeDir: string, home: string, version: string): string {
  if (canReach(user, path.join(nativeDir, 'bin'))) return nativeDir;
  prepareHome(user, home);
  const target = path.join(home, `postgres-${version}-${process.platform}-${process.arch}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const staging = mkdtempSync(path.join(home, '.staging-'));
  chmodSync(staging, 0o755);
  try {
    copyTree(nativeDir, staging);
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    // Another local mode staged the same version first: use theirs.
    if (!existsSync(path.join(target, 'bin', 'postgres'))) throw err;
  }
  return target;
}

/**
 * Where the cluster lives and what to do once it is initialised. In the checkout when `user` can
 * reach it; otherwise under `home`, with `.data/postgres` linked to it only after initdb succeeded
 * (so a failed first start leaves no dangling link).
 */
export function placeCluster(user: RunAs, dataDir: string, home: string): { pgData: string; linkWhenReady?: () => void } {
  const inCheckout = path.join(dataDir, 'postgres');
  const st = lstatSync(inCheckout, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    const target = path.resolve(dataDir, readlinkSync(inCheckout));
    if (!existsSync(path.join(target, 'PG_VERSION'))) {
      throw new StartFailure(
        `${inCheckout} points to ${target}, which no longer holds a database`,
        `restore that directory, or delete ${dataDir} to start fresh (database, blobs and keys together)`,
      );
    }
    return { pgData: target };
  }
  if (canReach(user, dataDir)) return { pgData: inCheckout };
  if (st) {
    throw new StartFailure(
      `the database ${inCheckout} is inside a directory the '${user.name}' user cannot enter (a parent directory is private)`,
      `make the parent directories traversable (chmod o+x), or move ${inCheckout} to ${home}/data/ and replace it with a symlink`,
    );
  }
  prepareHome(user, home);
  const clusters = path.join(home, 'data');
  mkdirSync(clusters, { recursive: true, mode: 0o711 });
  const pgData = path.join(clusters, `${path.basename(path.dirname(dataDir))}-${randomBytes(6).toString('hex')}`);
  return { pgData, linkWhenReady: () => symlinkSync(pgData, inCheckout) };
}

/** A fresh directory for initdb, owned by `user` with mode 0700 as Postgres requires. */
export function giveTo(user: RunAs | undefined, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
}

function prepareHome(user: RunAs, home: string): void {
  try {
    mkdirSync(home, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new StartFailure(`cannot create ${home} for the embedded Postgres (${(err as Error).message})`, 'set EMBEDDED_PG_HOME to a directory root can write and the postgres user can reach');
  }
  if (!canReach(user, home)) {
    throw new StartFailure(`the '${user.name}' user cannot reach ${home}`, 'set EMBEDDED_PG_HOME to a directory whose parents are traversable by other users (mode 0755 or 0711)');
  }
}

/** Hard links where possible (same disk: instant, no space), copies otherwise; modes kept. */
function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(dst, { mode: 0o755 });
      copyTree(src, dst);
    } else if (entry.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), dst);
    } else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, statSync(src).mode & 0o777);
      }
    }
  }
}
