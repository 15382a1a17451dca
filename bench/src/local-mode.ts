import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './infra';
import { REPO_ROOT, freePort, tail } from './stack';

/**
 * The local-mode command newcomers run (`bash scripts/run-local.sh` ends in
 * `node --import tsx scripts/local.ts` on the Node that scripts/local-node.sh picks), on the bench's Postgres database instead of
 * the embedded one, with a data directory and ports of its own so it never meets a developer's
 * `.data`. However many processes local mode starts, all of them are measured: the whole process
 * tree under the command.
 */
export interface LocalInstance {
  port: number;
  credentials: { accessKeyId: string; secretAccessKey: string; region: string };
  /** Auth's URL (its /metrics counts the requests it served), from local-runtime.json. */
  authUrl?: string;
  dataDir: string;
  /** Every process of the command's tree, grouped by the service its command line names. */
  groups(): Record<string, number[]>;
  stop(): Promise<void>;
}

export async function startLocalMode(opts: { node: string; databaseUrl: string; dataDir: string; timeoutMs?: number }): Promise<LocalInstance> {
  mkdirSync(opts.dataDir, { recursive: true });
  const port = await freePort();
  const logFile = path.join(opts.dataDir, 'local.log');
  const fd = openSync(logFile, 'a');
  // What scripts/run-local.sh executes.
  const child: ChildProcess = spawn(opts.node, ['--import', 'tsx', 'scripts/local.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: opts.databaseUrl, EXCLOUD_DATA_DIR: opts.dataDir, PORT: String(port), REDIS_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', fd, fd],
    // Its own process group, so a stop reaches every process it started.
    detached: true,
  });
  closeSync(fd);
  const credentialsFile = path.join(opts.dataDir, 'local-credentials.json');
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (!existsSync(credentialsFile)) {
    if (child.exitCode !== null) throw new Error(`local mode exited with ${child.exitCode} while starting:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      await stopTree(child);
      throw new Error(`local mode did not write ${credentialsFile} in time:\n${tail(logFile)}`);
    }
    await sleep(250);
  }
  const creds = JSON.parse(readFileSync(credentialsFile, 'utf8'));
  let authUrl: string | undefined;
  try {
    authUrl = JSON.parse(readFileSync(path.join(opts.dataDir, 'local-runtime.json'), 'utf8')).AUTH_URL;
  } catch {
    /* auth calls are then reported as not measured */
  }
  return {
    port: Number(new URL(creds.endpoint).port) || port,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, region: creds.region ?? 'auto' },
    authUrl,
    dataDir: opts.dataDir,
    groups: () => groupTree(child.pid!),
    stop: () => stopTree(child),
  };
}

const SERVICE_NAMES = ['gateway', 'auth', 'metadata', 'blob', 'janitor'];

/**
 * A process whose command line names one service (e.g. a worker started for the gateway) is
 * counted under it; everything else (the command itself, a supervisor) under `local`.
 */
export function serviceOfCommand(cmdline: string): string {
  // Directory names do not count (a checkout may live in `/work/gateway-lean`), except the
  // service's own directory under `services/`.
  const words = cmdline.split(/[\0\s]+/).flatMap((arg) => {
    const dir = /(?:^|\/)services\/([a-z]+)\//.exec(arg)?.[1];
    return [...(dir ? [dir] : []), ...arg.slice(arg.lastIndexOf('/') + 1).split(/[=._-]+/)];
  });
  const named = SERVICE_NAMES.filter((s) => words.includes(s));
  return named.length === 1 ? named[0] : 'local';
}

function groupTree(root: number): Record<string, number[]> {
  const groups: Record<string, number[]> = { local: [] };
  for (const pid of descendants(root)) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const g = pid === root ? 'local' : serviceOfCommand(cmd);
    (groups[g] ??= []).push(pid);
  }
  return groups;
}

/** The root and every process below it (one /proc scan). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out.filter((pid) => parent.has(pid));
}

async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  // Processes of the group that outlive the command (none expected) are not left behind.
  await sleep(200);
  signal('SIGKILL');
}
