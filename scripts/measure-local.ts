/**
 * Local mode, one process vs one per service: CPU per operation of every process (from /proc:
 * local mode, each service, Postgres and its backends) and throughput, for PUT and GET of 4 KiB at
 * concurrency 8 through the AWS SDK. The modes alternate, several rounds, on one data directory.
 *   npx tsx scripts/measure-local.ts [rounds=3] [ops=1500]
 * Throughput is only indicative on a shared machine; CPU per operation is the number to compare.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CONCURRENCY, inParallel } from './measure-support';

const ROUNDS = Number(process.argv[2] ?? 3);
const OPS = Number(process.argv[3] ?? 1500);
const MODES = ['1', 'per-service'] as const;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'measure-local-'));
const port = 19400 + Math.floor(Math.random() * 500);

const procStat = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
};
const cpuMs = (pid: number) => {
  try {
    const f = procStat(pid);
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};
const childrenOf = (ppid: number) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(procStat(pid)[1]) === ppid;
      } catch {
        return false;
      }
    });

/** Named groups of pids: local mode, each service with its own process, postgres (with backends). */
function groups(supervisor: number): Map<string, number[]> {
  const runtime = JSON.parse(readFileSync(path.join(dataDir, 'local-runtime.json'), 'utf8')).processes as Record<string, number>;
  const out = new Map<string, number[]>();
  const byPid = new Map<number, string[]>();
  for (const [name, pid] of Object.entries(runtime)) byPid.set(pid, [...(byPid.get(pid) ?? []), name]);
  for (const [pid, names] of byPid) out.set(names.length > 1 ? 'all services (one process)' : names[0]!, [pid]);
  const postmaster = childrenOf(supervisor).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres'));
  if (postmaster) out.set('postgres', [postmaster, ...childrenOf(postmaster)]);
  return out;
}

async function startLocal(mode: string): Promise<ChildProcess> {
  rmSync(path.join(dataDir, 'local-runtime.json'), { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local.ts'], {
    env: { ...process.env, EXCLOUD_DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(port + 1), EXCLOUD_LOCAL_PROCESSES: mode, DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c));
  for (let i = 0; !out.includes('is running'); i++) {
    if (child.exitCode !== null || i > 1200) throw new Error(`local mode did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stopLocal(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function phase(supervisor: number, run: () => Promise<void>): Promise<{ ms: number; cpu: Map<string, number> }> {
  const g = groups(supervisor);
  const before = new Map([...g].map(([name, pids]) => [name, new Map(pids.map((p) => [p, cpuMs(p)]))]));
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const after = groups(supervisor);
  const cpu = new Map<string, number>();
  for (const [name, pids] of after) {
    const start = before.get(name) ?? new Map<number, number>();
    cpu.set(name, pids.reduce((sum, p) => sum + cpuMs(p) - (start.get(p) ?? 0), 0));
  }
  return { ms, cpu };
}

async function round(mode: string): Promise<Record<string, { opsPerSec: number; cpu: Record<string, number> }>> {
  const local = await startLocal(mode);
  try {
    const creds = JSON.parse(readFileSync(path.join(dataDir, 'local-credentials.json'), 'utf8'));
    const s3 = new S3Client({ region: 'auto', endpoint: creds.endpoint, forcePathStyle: true, credentials: creds, maxAttempts: 1 });
    const bucket = 'measure';
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    const body = randomBytes(4096);
    const put = (i: number) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `k${i % 2000}`, Body: body })).then(() => undefined);
    const get = (i: number) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: `k${i % 2000}` })).then((r) => r.Body!.transformToByteArray()).then(() => undefined);
    await inParallel(300, put); // warm-up: JIT, pools, caches
    await inParallel(300, get);
    const result: Record<string, { opsPerSec: number; cpu: Record<string, number> }> = {};
    for (const [name, op] of [['PUT 4 KiB', put], ['GET 4 KiB', get]] as const) {
      const { ms, cpu } = await phase(local.pid!, () => inParallel(OPS, op));
      result[name] = { opsPerSec: (OPS * 1000) / ms, cpu: Object.fromEntries([...cpu].map(([k, v]) => [k, v / OPS])) };
    }
    s3.destroy();
    return result;
  } finally {
    await stopLocal(local);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const runs: Record<string, Array<Awaited<ReturnType<typeof round>>>> = { '1': [], 'per-service': [] };
  try {
    for (let r = 0; r < ROUNDS; r++) for (const mode of r % 2 ? [...MODES].reverse() : MODES) runs[mode]!.push(await round(mode));
  } finally {
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
  for (const op of ['PUT 4 KiB', 'GET 4 KiB']) {
    process.stdout.write(`\n${op}, c${CONCURRENCY}, ${OPS} ops, median of ${ROUNDS} (ms CPU per op; ops/s indicative)\n`);
    for (const mode of MODES) {
      const rs = runs[mode]!.map((x) => x[op]!);
      const names = [...new Set(rs.flatMap((x) => Object.keys(x.cpu)))];
      const parts = names.map((n) => `${n} ${median(rs.map((x) => x.cpu[n] ?? 0)).toFixed(2)}`);
      const total = median(rs.map((x) => Object.values(x.cpu).reduce((a, b) => a + b, 0)));
      const each = rs.map((x) => `${Object.values(x.cpu).reduce((a, b) => a + b, 0).toFixed(2)} ms @ ${x.opsPerSec.toFixed(0)}/s`).join(', ');
      process.stdout.write(`  EXCLOUD_LOCAL_PROCESSES=${mode}: total ${total.toFixed(2)} | ${parts.join(', ')} | ${median(rs.map((x) => x.opsPerSec)).toFixed(0)} ops/s (rounds: ${each})\n`);
    }
  }
}

void main();
