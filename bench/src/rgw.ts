import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT, freePort } from './stack';

/**
 * Ceph RGW, the storage gateway operators would otherwise deploy, measured beside us: the shared
 * peer script (`../shared/peers/ceph-rgw.sh` next to the repository, or BENCH_RGW_SCRIPT) starts a
 * single-node Ceph (mon + one bluestore OSD) and radosgw under a directory of ours.
 */
export const RGW_ACCESS_KEY = 'BENCHAK';
export const RGW_SECRET_KEY = 'BENCHSK';
export const RGW_REGION = 'us-east-1';
/** The script binds its monitor to this fixed port: a second RGW on the machine would collide. */
const RGW_MON_PORT = 16789;
const RGW_BINARIES = ['radosgw', 'ceph-mon', 'ceph-osd'];

export interface RgwInstance {
  port: number;
  version: string;
  /** radosgw, ceph-osd and ceph-mon: together they are what serves a request. */
  groups(): Record<string, number[]>;
  stop(): Promise<void>;
}

/** BENCH_RGW_SCRIPT, else `../shared/peers/ceph-rgw.sh` beside the repository (or beside the main checkout, from a git worktree). */
export function rgwScriptPath(env: NodeJS.ProcessEnv = process.env, repoRoot = REPO_ROOT, mainRoot = mainCheckout(repoRoot)): string {
  if (env.BENCH_RGW_SCRIPT) return env.BENCH_RGW_SCRIPT;
  const candidates = [repoRoot, mainRoot].filter((d): d is string => d !== undefined).map((d) => path.resolve(d, '..', 'shared', 'peers', 'ceph-rgw.sh'));
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

function mainCheckout(repoRoot: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? path.dirname(r.stdout.trim()) : undefined;
}

/** The script and the Ceph binaries it runs, or why RGW cannot be measured here. */
export function findRgw(script = rgwScriptPath(), hasBinary: (name: string) => boolean = onPath): { script: string } | { error: string } {
  if (!existsSync(script)) return { error: `the RGW script ${script} does not exist (set BENCH_RGW_SCRIPT)` };
  const missing = RGW_BINARIES.filter((b) => !hasBinary(b));
  if (missing.length) return { error: `${missing.join(', ')} not installed (apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd)` };
  return { script };
}

export async function startRgw(script: string, root: string, log: (line: string) => void): Promise<RgwInstance> {
  if (await portInUse(RGW_MON_PORT)) throw new Error(`port ${RGW_MON_PORT} (the script's Ceph monitor) is in use: another RGW is running on this machine`);
  const port = await freePort();
  log(`starting Ceph RGW (mon, OSD, radosgw; 20-40 s) under ${root}`);
  let base = '';
  for (let attempt = 1; ; attempt++) {
    // A directory per attempt: a daemon of a failed attempt cannot be mistaken for the new one's.
    base = path.join(root, `attempt-${attempt}`);
    try {
      await runScript(script, ['start', String(port), base], 300_000);
      break;
    } catch (err) {
      const others = otherMonitors(root);
      await stopAll(script, port, base);
      const why = `${(err as Error).message}${others.length ? `; another Ceph monitor was running: ${others.join(', ')}` : ''}`;
      // Seen on this loaded shared machine: a start fails (the OSD cannot register with the monitor) and a later one works.
      if (attempt >= 3) throw new Error(why);
      log(`RGW start failed (${why}); trying again`);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  const pidOf = (name: string) => {
    try {
      return [Number(readFileSync(path.join(base, 'run', `${name}.pid`), 'utf8').trim())];
    } catch {
      return [];
    }
  };
  const version = /ceph version (\S+)/.exec(spawnSync('radosgw', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown';
  return {
    port,
    version: `Ceph ${version}`,
    groups: () => ({ radosgw: pidOf('client.rgw'), 'ceph-osd': pidOf('osd.0'), 'ceph-mon': pidOf('mon.a') }),
    stop: () => stopAll(script, port, base),
  };
}

/**
 * The script's stop, then any daemon still running on this attempt's config (one that died before
 * writing its pid file is not in the script's reach): only processes whose command line names our
 * own directory, each by its pid.
 */
async function stopAll(script: string, port: number, base: string): Promise<void> {
  await runScript(script, ['stop', String(port), base], 120_000).catch(() => undefined);
  killDaemonsUnder(base);
}

/** SIGKILLs, by pid, every Ceph daemon whose command line names a directory under `dir` (ours). */
export function killDaemonsUnder(dir: string): void {
  const mine = psLines().filter((l) => /\b(ceph-mon|ceph-osd|radosgw)\b/.test(l) && l.includes(`${dir}/`));
  for (const line of mine) {
    try {
      process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function psLines(): string[] {
  return (spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

function runScript(script: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(script)} ${args[0]} failed (exit ${code}): ${lastError(out)}`));
    });
  });
}

/** The first line of Ceph's output that says what failed (the cause; later ones are consequences), without its timestamp and thread id. */
export function lastError(output: string): string {
  const lines = output.trim().split('\n').map((l) => l.replace(/^\S+T\S+ [0-9a-f]+ -?\d+ /, '').trim()).filter(Boolean);
  const failing = lines.filter((l) => /fail|error|unable|denied|refused|not permitted/i.test(l));
  return (failing[0] ?? lines.at(-1) ?? 'no output').slice(0, 200);
}

/** ceph-mon processes that are not ours: the script's fixed monitor port makes them collide. */
function otherMonitors(root: string): string[] {
  return psLines().filter((l) => /\bceph-mon\b/.test(l) && !l.includes(root));
}

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
