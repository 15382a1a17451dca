import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PNPM = ['--yes', 'pnpm@10.34.9'];

/**
 * A fresh checkout of this working tree in a private (0700) directory, the way a newcomer clones
 * it into /root or a `mktemp -d` folder. We copy what a clone of the working tree would hold
 * (tracked and untracked-but-not-ignored files) rather than `git clone`, so the test runs the code
 * under test even before it is committed. Dependencies come from the pnpm store this machine
 * already has (`install --offline`: hard links, a few seconds, no network), which also makes the
 * install inside the README's command a no-op instead of the slowest part of the test.
 */
export function privateClone(): { work: string; repo: string } {
  const work = mkdtempSync(path.join(os.tmpdir(), 'excloud-clone-'));
  chmodSync(work, 0o700);
  const repo = path.join(work, 'repo');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    const src = path.join(ROOT, file);
    if (!file || !existsSync(src) || !lstatSync(src).isFile()) continue; // deleted in the tree, or a symlink we do not have
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    copyFileSync(src, path.join(repo, file));
    chmodSync(path.join(repo, file), statSync(src).mode & 0o777);
  }
  execFileSync('npx', [...PNPM, 'install', '--frozen-lockfile', '--offline', '--reporter=silent'], { cwd: repo, stdio: 'ignore' });
  return { work, repo };
}

export interface LocalRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<Exit>;
}
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Local mode in its own process group: `readme` is the README's first command,
 * `bash scripts/run-local.sh`; `direct` skips its install step (npx + pnpm cost seconds on a busy
 * machine) and runs what that command ends in, `tsx scripts/local.ts`.
 */
export function runLocal(repo: string, ports: { s3: number; pg: number }, how: 'readme' | 'direct' = 'readme', extraEnv: Record<string, string> = {}): LocalRun {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(ports.s3), EMBEDDED_PG_PORT: String(ports.pg), LOG_LEVEL: 'warn' };
  // The suite's own stack settings must not leak into a newcomer's run.
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'EXCLOUD_DATA_DIR', 'EXCLOUD_LOCAL_PROCESSES', 'GATEWAY_OPS_PORT', 'GATEWAY_BASE_DOMAIN', 'HOST']) delete env[name];
  Object.assign(env, extraEnv);
  const [cmd, args] = how === 'readme' ? ['bash', ['scripts/run-local.sh']] : [process.execPath, ['--import', 'tsx', 'scripts/local.ts']];
  const child = spawn(cmd, args, { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

/** Resolves once the banner is printed; rejects with the output if it exits or takes too long. */
export async function untilServing(run: LocalRun, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  void run.exited.then((e) => (exit = e));
  while (!run.output().includes('excloud buckets is running')) {
    if (exit) throw new Error(`local mode exited (${exit.code ?? exit.signal}):\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`local mode did not serve within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ctrl-C, as a user stops it: SIGINT to the whole process group, then wait (bounded). */
export async function stopLocal(run: LocalRun, timeoutMs = 30_000): Promise<Exit> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    process.kill(-run.child.pid!, 'SIGINT');
    const timer = setTimeout(() => process.kill(-run.child.pid!, 'SIGKILL'), timeoutMs);
    void run.exited.then(() => clearTimeout(timer));
  }
  return run.exited;
}

/** The clone and, when running as root from a private path, the cluster it keeps outside it. */
export function removeClone(work: string): void {
  const link = path.join(work, 'repo', '.data', 'postgres');
  if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(readlinkSync(link), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}

export function localCredentials(repo: string): { endpoint: string; accessKeyId: string; secretAccessKey: string } {
  return JSON.parse(readFileSync(path.join(repo, '.data', 'local-credentials.json'), 'utf8'));
}
