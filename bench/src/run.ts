/**
 * `pnpm bench`: the stack in production topology beside nginx, the matrix against both, and
 * bench/RESULTS.md. Never part of the test suite.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { USAGE, parseBenchArgs, type BenchOptions } from './cli';
import { runCell, type CellEnv, type Probe } from './cell-runner';
import { REDIS_URL, adminQuery, createBenchDatabase, ensurePostgresAndRedis, type BenchDatabase } from './infra';
import { machineInfo, versions } from './machine';
import { MATRIX, selectCells, type CellDef } from './matrix';
import { findNginx, startNginx, type NginxInstance } from './nginx';
import { PayloadCache } from './payload';
import { readProc } from './process-stats';
import { Progress } from './progress';
import { runProfiles } from './profile-phase';
import { renderReport } from './report';
import type { CellRun, RunRecord } from './run-record';
import { SERVICES, Stack, createBenchCredentials, migrate, newStackConfig } from './stack';
import { NginxTarget } from './targets/nginx-target';
import { S3Target } from './targets/s3-target';
import { TargetState } from './workloads';

/** The gateway's default GATEWAY_AUTH_CACHE_TTL_MS, which the bench leaves as production has it. */
const AUTH_CACHE_TTL_MS = 10_000;
export const DATA_BUCKET = 'bench-data';
export const LIST_BUCKET = 'bench-list';

interface Resources {
  workDir: string;
  db?: BenchDatabase;
  stack?: Stack;
  nginx?: NginxInstance;
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  const cells = selectCells(opts.only);
  if (cells.length === 0) {
    process.stderr.write(`no cell matches ${opts.only!.join(',')}; cells are:\n  ${MATRIX.map((c) => c.id).join('\n  ')}\n`);
    process.exit(2);
  }
  const startedAt = new Date();
  const res: Resources = { workDir: mkdtempSync(path.join(os.tmpdir(), 'excloud-bench-')) };
  const cleanup = once(() => teardown(res, opts));
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));

  const plan = cells.flatMap((def) => opts.targets.filter((t) => t === 'excloud' || def.nginx).map((t) => ({ def, target: t })));
  const progress = new Progress(plan.length);
  const log = (l: string) => progress.log(l);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(', ');
  // The machine may be shared; a busy start explains noisy numbers.
  let failed: Error | undefined;
  const notes: string[] = [`Load average when the run started: ${load} (1, 5, 15 min).`];
  try {
    log(`excloud bench: ${plan.length} cells, ${opts.seconds} s each, data in ${res.workDir}`);
    await ensurePostgresAndRedis(log);
    res.db = await createBenchDatabase();
    const config = await newStackConfig({
      databaseUrl: res.db.url,
      redisUrl: REDIS_URL,
      blobRoot: path.join(res.workDir, 'blobs'),
      logDir: path.join(res.workDir, 'logs'),
    });
    log(`database ${res.db.name}: migrating`);
    await migrate(config);
    const creds = await createBenchCredentials(config);
    log('starting auth, metadata, blob, janitor, gateway (one process each)');
    res.stack = await Stack.start(config);

    let nginxVersion = 'not available';
    if (opts.targets.includes('nginx')) {
      const found = findNginx(log);
      if ('error' in found) notes.push(`nginx cells not run: ${found.error}`);
      else {
        res.nginx = await startNginx(found.bin, found.version, path.join(res.workDir, 'nginx'));
        nginxVersion = found.version;
        log(`nginx ${found.version} on port ${res.nginx.port}`);
      }
    }

    const s3 = new S3Target({ host: '127.0.0.1', port: config.ports.gateway, bucket: DATA_BUCKET, ...creds, signedPayload: opts.signedPayload });
    await s3.createBucket();
    await s3.withBucket(LIST_BUCKET).createBucket();
    const states = {
      excloud: new TargetState(s3, s3.withBucket(LIST_BUCKET)),
      nginx: res.nginx ? new TargetState(new NginxTarget('127.0.0.1', res.nginx.port, res.nginx.prefix), undefined, res.nginx.unlinkKeys) : undefined,
    };
    const env: CellEnv = { payloads: new PayloadCache(), progress, seconds: opts.seconds, syncDir: res.workDir };
    const probes = { excloud: stackProbe(() => res.stack!, res.db), nginx: nginxProbe(() => res.nginx) };

    const runs: CellRun[] = [];
    let index = 0;
    for (const { def, target } of plan) {
      index++;
      const state = states[target];
      if (!state) {
        runs.push(skipped(def, target, 'nginx is not available'));
        continue;
      }
      try {
        const { window: _window, ...run } = await runCell(def, state, index, env, probes[target]);
        runs.push(run);
      } catch (err) {
        // Whatever broke (a crashed service, Postgres gone), the cells measured so far still get reported.
        failed = err as Error;
        notes.push(`**The run stopped at ${def.id} on ${target}:** ${failed.message.split('\n')[0]}`);
        break;
      }
    }

    // VmHWM is per process: read it before any restart.
    const peakRssMib = Object.fromEntries(SERVICES.map((s) => [s, (readProc(res.stack!.pidOf(s))?.hwmKib ?? 0) / 1024]));
    if (res.nginx) peakRssMib['nginx (all processes)'] = res.nginx.pids().reduce((a, pid) => a + (readProc(pid)?.hwmKib ?? 0), 0) / 1024;

    let profile;
    if (opts.profile && !failed) {
      profile = await runProfiles({
        config,
        res,
        creds,
        signedPayload: opts.signedPayload,
        excloud: states.excloud,
        env,
        probeFor: (stack) => stackProbe(() => stack, res.db!),
        profileRoot: path.join(res.workDir, 'profiles'),
      }).catch((err: Error) => {
        log(`profiling failed: ${err.message}`);
        notes.push(`Profiling failed: ${err.message.split('\n')[0]}`);
        return undefined;
      });
    }

    const record: RunRecord = {
      startedAt,
      finishedAt: new Date(),
      command: ['pnpm bench', ...process.argv.slice(2).filter((a) => a !== '--')].join(' '),
      seconds: opts.seconds,
      signedPayload: opts.signedPayload,
      machine: machineInfo(res.workDir),
      versions: await versions(nginxVersion),
      cells: runs,
      peakRssMib,
      authCacheTtlMs: AUTH_CACHE_TTL_MS,
      notes,
      profile,
    };
    const out = path.resolve(__dirname, '..', opts.out);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, renderReport(record));
    writeFileSync(out.replace(/\.md$/, '') + '.json', JSON.stringify(record, null, 1));
    log(`\nwrote ${out} (${((Date.now() - startedAt.getTime()) / 60_000).toFixed(1)} min)`);
    if (failed) throw failed;
  } finally {
    await cleanup();
  }
}

/** Processes of our stack (and the Postgres backends serving it), the auth call counter, commits. */
export function stackProbe(stack: () => Stack, db: BenchDatabase): Probe {
  return {
    groups: async () => {
      const s = stack();
      const groups: Record<string, number[]> = Object.fromEntries(SERVICES.map((n) => [n, [s.pidOf(n)]]));
      const rows = await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name]).catch(() => []);
      groups.postgres = rows.map((r) => Number(r.pid));
      return groups;
    },
    authCalls: async () => {
      const text = await (await fetch(`http://127.0.0.1:${stack().config.ports.auth}/metrics`)).text();
      let total = 0;
      for (const m of text.matchAll(/^excloud_http_requests_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) total += Number(m[1]);
      return total;
    },
    pgCommits: async () => {
      const rows = await adminQuery<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1', [db.name]);
      return Number(rows[0]?.n ?? 0);
    },
  };
}

function nginxProbe(nginx: () => NginxInstance | undefined): Probe {
  return { groups: async () => ({ nginx: nginx()?.pids() ?? [] }) };
}

function skipped(def: CellDef, target: 'excloud' | 'nginx', note: string): CellRun {
  return {
    def,
    target,
    summary: { cell: def.id, target, status: 'n/a', ops: 0, bytes: 0, errors: 0, errorSamples: [], seconds: 0, opsPerSec: 0, mibPerSec: 0, p50Ms: 0, p99Ms: 0, p999Ms: 0, meanMs: 0, maxMs: 0, note },
  };
}

async function teardown(res: Resources, opts: BenchOptions): Promise<void> {
  await res.stack?.stop().catch(() => undefined);
  await res.nginx?.stop().catch(() => undefined);
  await res.db?.drop().catch((err) => process.stderr.write(`could not drop ${res.db!.name}: ${err.message}\n`));
  if (opts.keep) process.stdout.write(`kept ${res.workDir}\n`);
  else rmSync(res.workDir, { recursive: true, force: true });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

main().then(
  // Keep-alive sockets and timers must not hold the process once the report is written.
  () => process.exit(0),
  (err) => {
    process.stderr.write(`\nbench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
