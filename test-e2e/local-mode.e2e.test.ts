import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@excloud/test-kit';
import { freePort } from './support/free-port';
import { localCredentials, privateClone, removeClone, runLocal, stopLocal, untilServing, type LocalRun } from './support/local-clone';

/**
 * Issue 13: the README's first command, from a fresh checkout in a private (0700) directory, as
 * the CI user (root in CI: Postgres then runs as the `postgres` user, who cannot enter the
 * checkout). Data survives a restart, and a second local mode on the same data directory fails
 * with one clear line while the first keeps serving.
 */
// Generous: a cold start (install check, initdb, migrations) on a busy 2-core CI box; normally ~20 s.
const START_MS = 150_000;
let clone: { work: string; repo: string };
let ports: { s3: number; pg: number };
let running: LocalRun | undefined;

beforeAll(async () => {
  clone = privateClone();
  ports = { s3: await freePort(), pg: await freePort() };
}, 200_000);

afterAll(async () => {
  if (running) await stopLocal(running);
  if (clone) removeClone(clone.work);
}, 30_000);

function client(): S3Client {
  const c = localCredentials(clone.repo);
  return new S3Client({ region: 'auto', endpoint: c.endpoint, forcePathStyle: true, credentials: c, maxAttempts: 1 });
}

/** What a local mode that must fail to start said, once it exited with code 1. */
async function failedStart(run: LocalRun): Promise<string[]> {
  const exit = await Promise.race([run.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), START_MS))]);
  if (exit === 'timeout') await stopLocal(run);
  expect(exit).toEqual({ code: 1, signal: null });
  return run
    .output()
    .split('\n')
    .filter((l) => l.trim());
}

async function getText(bucket: string, key: string): Promise<string> {
  const res = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString();
}

test('starts from a 0700 checkout, keeps an object across a restart', async () => {
  expect(statSync(clone.work).mode & 0o777).toBe(0o700);
  running = runLocal(clone.repo, ports);
  await untilServing(running, START_MS);
  const banner = running.output();
  expect(banner).toContain(`endpoint          http://127.0.0.1:${ports.s3}`);
  const pgData = /database {10}(\S+)/.exec(banner)?.[1];
  expect(pgData).toBeDefined();
  if (process.getuid?.() === 0) {
    // The postgres user cannot enter the private checkout: the cluster lives where it can, and
    // .data/postgres links to it, as the README says.
    expect(pgData).not.toContain(clone.work);
    expect(lstatSync(path.join(clone.repo, '.data', 'postgres')).isSymbolicLink()).toBe(true);
    expect(statSync(pgData!).mode & 0o777).toBe(0o700);
  }

  const body = `kept across restarts ${Date.now()}`;
  await client().send(new CreateBucketCommand({ Bucket: 'keep' }));
  await client().send(new PutObjectCommand({ Bucket: 'keep', Key: 'a/b.txt', Body: body }));
  expect(await getText('keep', 'a/b.txt')).toBe(body);

  // Ctrl-C reaches the whole group; pnpm may die of the signal itself, but local mode must stop
  // Postgres cleanly (Postgres removes postmaster.pid only at the end of a clean shutdown).
  const stopped = await stopLocal(running);
  expect(stopped.code === 0 || stopped.signal === 'SIGINT').toBe(true);
  expect(existsSync(path.join(pgData!, 'postmaster.pid'))).toBe(false);
  // The restart skips the wrapper's install step (proven by the first start) to keep this test
  // short; what must survive is local mode's data, and that is the same code either way.
  // One process per service from here on, whatever the number of cores of the machine running this.
  running = runLocal(clone.repo, ports, 'direct', { EXCLOUD_LOCAL_PROCESSES: 'per-service' });
  await untilServing(running, START_MS);
  expect(running.output()).toContain(`database          ${pgData}`);
  expect(await getText('keep', 'a/b.txt')).toBe(body);
}, 360_000);

test('a second local mode on the same data directory fails with one line; the first keeps serving', async () => {
  expect(running).toBeDefined(); // the instance the previous test restarted
  // Other ports, so only the shared data directory can stop it.
  const second = runLocal(clone.repo, { s3: await freePort(), pg: await freePort() }, 'direct');
  const said = await failedStart(second);
  expect(said).toEqual([expect.stringMatching(/^local mode failed to start: another local mode \(pid \d+, endpoint http:\/\/127\.0\.0\.1:\d+\) is already using the data directory .*\. Fix: /)]);
  expect(second.output()).not.toMatch(/\n\s+at /);

  expect(await getText('keep', 'a/b.txt')).toMatch(/^kept across restarts/);
  expect(running!.child.exitCode).toBeNull();
}, 200_000);

const SERVICES = ['auth', 'metadata', 'blob', 'janitor', 'gateway'] as const;

function runtimePids(): Record<'local' | (typeof SERVICES)[number], number> {
  return JSON.parse(readFileSync(path.join(clone.repo, '.data', 'local-runtime.json'), 'utf8')).processes;
}

/** State, parent and process group from /proc, or undefined once the process is gone. */
function procStat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}
/** Still running: an orphan's zombie lingers until whoever adopted it reaps it, and does not count. */
const isRunning = (pid: number) => (procStat(pid)?.state ?? 'Z') !== 'Z';
const groupMembers = (pgid: number) => readdirSync('/proc').filter((d) => /^\d+$/.test(d) && procStat(Number(d))?.pgrp === pgid && isRunning(Number(d)));
/**
 * What still runs in an exited local mode's process group (runLocal gives it its own, which its
 * service processes share). tsx's esbuild helpers end when their parent's pipe closes: a moment is allowed.
 */
async function leftInGroup(run: LocalRun): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (groupMembers(run.child.pid!).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return groupMembers(run.child.pid!);
}

test('each service runs in its own child process, and none outlives a killed local mode', async () => {
  expect(running).toBeDefined();
  const supervisor = running!.child.pid!;
  const pids = runtimePids();
  expect(pids.local).toBe(supervisor);
  const services = SERVICES.map((name) => pids[name]);
  expect(new Set([supervisor, ...services]).size).toBe(SERVICES.length + 1);
  for (const name of SERVICES) {
    expect(procStat(pids[name])?.ppid).toBe(supervisor);
    const cmdline = readFileSync(`/proc/${pids[name]}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(name);
    // The compiled build's emit through local mode's require hook, not tsx's loader.
    expect(cmdline).toContain(path.join(clone.repo, 'scripts', 'ts-require.cjs'));
    expect(cmdline.join(' ')).not.toMatch(/tsx/);
  }
  expect(await getText('keep', 'a/b.txt')).toMatch(/^kept across restarts/);

  // SIGKILL to local mode alone: no chance to stop anything, its children must notice by themselves.
  process.kill(supervisor, 'SIGKILL');
  await running!.exited;
  const deadline = Date.now() + 20_000;
  while (services.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(services.filter(isRunning)).toEqual([]);

  // The next start clears the Postgres the killed one left behind; EXCLOUD_LOCAL_PROCESSES=1 is one process.
  running = runLocal(clone.repo, ports, 'direct', { EXCLOUD_LOCAL_PROCESSES: '1' });
  await untilServing(running, START_MS);
  const single = runtimePids();
  expect(new Set(Object.values(single))).toEqual(new Set([running.child.pid]));
  expect(await getText('keep', 'a/b.txt')).toMatch(/^kept across restarts/);
}, 200_000);

test('a service that cannot start in its own process is one line, exit 1, and leaves no process behind', async () => {
  // Its own data directory and database, but the S3 port of the running one: the gateway's
  // process fails after auth, metadata and blob have started in theirs.
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'excloud-local-port-'));
  try {
    const other = runLocal(clone.repo, { s3: ports.s3, pg: await freePort() }, 'direct', { EXCLOUD_LOCAL_PROCESSES: 'per-service', EXCLOUD_DATA_DIR: dataDir, DATABASE_URL: db.url });
    const said = await failedStart(other);
    expect(said).toEqual([`local mode failed to start: port ${ports.s3} is already in use by another program. Fix: stop that program, or choose other ports (PORT for the S3 endpoint, GATEWAY_OPS_PORT, EMBEDDED_PG_PORT)`]);
    expect(existsSync(path.join(dataDir, 'local-runtime.json'))).toBe(false); // it never got as far as serving
    expect(await leftInGroup(other)).toEqual([]);
  } finally {
    await db.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  expect(await getText('keep', 'a/b.txt')).toMatch(/^kept across restarts/);
}, 200_000);

test('a service that dies stops local mode with one line and exit 1, Postgres included', async () => {
  await stopLocal(running!);
  running = runLocal(clone.repo, ports, 'direct', { EXCLOUD_LOCAL_PROCESSES: 'per-service' });
  await untilServing(running, START_MS);
  const run = running;
  running = undefined;
  process.kill(runtimePids().blob, 'SIGKILL');
  const exit = await Promise.race([run.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
  if (exit === 'timeout') await stopLocal(run);
  expect(exit).toEqual({ code: 1, signal: null });
  const said = run.output().slice(run.output().indexOf(' s3 ls') + 6).split('\n').filter((l) => l.trim());
  expect(said).toEqual([expect.stringMatching(/^local mode stopped: the blob service \(pid \d+\) exited unexpectedly \(signal SIGKILL\), so it stopped the other services and Postgres\. Fix: /)]);
  expect(existsSync(path.join(clone.repo, '.data', 'postgres', 'postmaster.pid'))).toBe(false);
  expect(await leftInGroup(run)).toEqual([]);
}, 200_000);
