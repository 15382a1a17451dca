import { existsSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { StartFailure } from './start-failure';

type Owner = 'this-cluster' | 'something-else' | 'unknown';

/**
 * Deal with the postmaster.pid a crash leaves behind. The caller holds the data directory lock,
 * so no other local mode uses this cluster: a live Postgres on it is an orphan of a local mode
 * that was killed (Postgres outlives a SIGKILLed parent) and is stopped; a dead or reused pid is
 * stale and removed. Postgres would otherwise refuse to start whenever the pid was reused (common
 * in containers, where pids restart from 1) or, as root, belongs to another user.
 */
export async function clearLeftoverPostmaster(pgData: string, log: (msg: string) => void): Promise<void> {
  const file = path.join(pgData, 'postmaster.pid');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  const owner: Owner = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? ownerOf(pid, pgData) : 'something-else';
  if (owner === 'something-else') {
    rmSync(file, { force: true });
    log(`removed the stale ${file} left by a Postgres that did not shut down cleanly`);
    return;
  }
  if (owner === 'unknown') {
    throw new StartFailure(
      `${file} names pid ${pid}, which is still running`,
      `if pid ${pid} is a Postgres left by an earlier local mode stop it (kill ${pid}); if it is not a Postgres, delete ${file}`,
    );
  }
  log(`stopping the Postgres (pid ${pid}) that an earlier local mode left running on ${pgData}`);
  process.kill(pid, 'SIGINT'); // fast shutdown: consistent on disk, and it removes postmaster.pid
  const deadline = Date.now() + 30_000;
  while (existsSync(file) && isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new StartFailure(`the Postgres (pid ${pid}) left running on ${pgData} did not stop within 30 s`, `stop it (kill -QUIT ${pid}) and start again`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A zombie (exited, not yet reaped by a container's init) is gone for our purpose.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Whose is this live pid? A postmaster runs with its data directory as working directory; where
 * /proc hides that (another user's process, or a sandboxed pid 1) its `-D` argument tells.
 */
function ownerOf(pid: number, pgData: string): Owner {
  if (process.platform !== 'linux') return 'unknown';
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return 'unknown';
  }
  if (!/postgres$/.test(argv[0] ?? '')) return 'something-else';
  const real = realpathSync(pgData);
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === real ? 'this-cluster' : 'something-else';
  } catch {
    const d = argv.indexOf('-D');
    if (d < 0 || !argv[d + 1]) return 'unknown';
    try {
      return realpathSync(argv[d + 1]!) === real ? 'this-cluster' : 'something-else';
    } catch {
      return 'something-else';
    }
  }
}
