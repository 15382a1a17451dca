/**
 * `pnpm bench`: our stack (production topology and/or local mode) beside Ceph RGW and nginx, the
 * matrix against each, cell by cell, and bench/RESULTS.md. Never part of the test suite.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { USAGE, parseBenchArgs, type BenchOptions } from './cli';
import { runCell, runCellInRounds, type CellEnv, type Probe, type RoundMember } from './cell-runner';
import { runAll } from './closed-loop';
import { loadBaseline } from './baseline';
import type { TargetName } from './cell-result';
import { REDIS_URL, createBenchDatabase, ensurePostgresAndRedis, type BenchDatabase } from './infra';
import { startLocalMode, type LocalInstance } from './local-mode';
import { machineInfo, versions } from './machine';
import { MATRIX, planRuns, selectCells, type CellDef } from './matrix';
import { findNginx, startNginx, type NginxInstance } from './nginx';
import { PayloadCache } from './payload';
import { localProbe, nginxProbe, rgwProbe, stackProbe } from './probes';
import { readProc } from './process-stats';
import { Progress } from './progress';
import { runProfiles } from './profile-phase';
import { userPath } from './render';
import { renderReport } from './report';
import { RGW_ACCESS_KEY, RGW_REGION, RGW_SECRET_KEY, findRgw, killDaemonsUnder, startRgw, type RgwInstance } from './rgw';
import type { CellRun, RunRecord } from './run-record';
import { SERVICES, Stack, createBenchCredentials, migrate, newStackConfig, nodeFromScript, nodeVersion, prepareRuntime, type StackConfig, type StackRuntime } from './stack';
import { NginxTarget } from './targets/nginx-target';
import { S3Target } from './targets/s3-target';
import { TargetState } from './workloads';

/** The gateway's default GATEWAY_AUTH_CACHE_TTL_MS, which the bench leaves as production has it. */
const AUTH_CACHE_TTL_MS = 10_000;
const WARMUP_OPS = 200;
export const DATA_BUCKET = 'bench-data';
export const LIST_BUCKET = 'bench-list';

interface Resources {
  workDir: string;
  dbs: BenchDatabase[];
  stack?: Stack;
  local?: LocalInstance;
  rgw?: RgwInstance;
  nginx?: NginxInstance;
  /** Set by the first Ctrl-C or SIGTERM: the run stops at the next step and cleans up. */
  interrupted?: NodeJS.Signals;
}

class Interrupted extends Error {}

/**
 * Between steps: a start that finished after teardown would leave its processes behind (local
 * mode runs in its own process group), so an interrupted run stops here and unwinds normally.
 */
function checkpoint(res: Resources): void {
  if (res.interrupted) throw new Interrupted(`interrupted by ${res.interrupted}`);
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
  // Read before the run, so a wrong path fails in a second, not after ten minutes.
  const baseline = opts.baseline ? loadBaseline(userPath(opts.baseline)) : undefined;
  const note = opts.note ? readFileSync(userPath(opts.note), 'utf8') : undefined;
  const startedAt = new Date();
  const res: Resources = { workDir: mkdtempSync(path.join(os.tmpdir(), 'excloud-bench-')), dbs: [] };
  const cleanup = once(() => teardown(res, opts));
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      res.interrupted = signal;
      process.stderr.write(`\n${signal}: stopping after the current step and cleaning up (again to stop now)\n`);
      process.once(signal, () => void cleanup().finally(() => process.exit(code)));
    });
  }

  const ours: TargetName[] = opts.targets.includes('excloud') ? opts.topologies.map((t) => (t === 'production' ? 'excloud' : 'local')) : [];
  const order: TargetName[] = [...ours, ...opts.targets.filter((t): t is 'rgw' | 'nginx' => t !== 'excloud')];
  const plan = planRuns(cells, order, (def, t) => t !== 'nginx' || def.nginx);
  const progress = new Progress(plan.length);
  const log = (l: string) => progress.log(l);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(', ');
  // The machine may be shared; a busy start explains noisy numbers.
  let failed: Error | undefined;
  const notes: string[] = [`Load average when the run started: ${load} (1, 5, 15 min).`];
  const missing: RunRecord['missing'] = {};
  const topologies: string[] = [];
  try {
    log(`excloud bench: ${plan.length} cells, ${opts.seconds} s each, data in ${res.workDir}`);
    await ensurePostgresAndRedis(log);
    const payloads = new PayloadCache();
    const states: Partial<Record<TargetName, TargetState>> = {};
    const probes: Partial<Record<TargetName, Probe>> = {};
    let production: { config: StackConfig; creds: { accessKeyId: string; secretAccessKey: string }; db: BenchDatabase } | undefined;

    let rgwVersion: string | undefined;
    // First, while the machine is quiet: on a loaded machine Ceph's start is what fails.
    if (opts.targets.includes('rgw')) {
      const found = findRgw();
      if ('error' in found) missing.rgw = found.error;
      else {
        try {
          res.rgw = await startRgw(found.script, path.join(res.workDir, 'ceph'), log);
          checkpoint(res);
          rgwVersion = res.rgw.version;
          log(`RGW ${rgwVersion} on port ${res.rgw.port}`);
          const s3 = new S3Target({ host: '127.0.0.1', port: res.rgw.port, bucket: DATA_BUCKET, accessKeyId: RGW_ACCESS_KEY, secretAccessKey: RGW_SECRET_KEY, region: RGW_REGION, name: 'rgw', signedPayload: opts.signedPayload });
          states.rgw = await s3State(s3, payloads);
          probes.rgw = rgwProbe(() => res.rgw);
        } catch (err) {
          checkpoint(res);
          if (err instanceof Interrupted) throw err;
          missing.rgw = `RGW did not start: ${(err as Error).message}`;
        }
      }
      if (missing.rgw) log(`RGW cells not run: ${missing.rgw}`);
    }
    if (ours.includes('excloud')) {
      const runtime = prepareRuntime(opts.runtime, log);
      const db = await createBenchDatabase('prod');
      res.dbs.push(db);
      const config = await newStackConfig({ runtime, databaseUrl: db.url, redisUrl: REDIS_URL, blobRoot: path.join(res.workDir, 'blobs'), logDir: path.join(res.workDir, 'logs') });
      log(`database ${db.name}: migrating`);
      await migrate(config);
      const creds = await createBenchCredentials(config);
      log(`starting auth, metadata, blob, janitor, gateway (one process each, ${runtimeLabel(runtime)})`);
      checkpoint(res);
      res.stack = await Stack.start(config);
      checkpoint(res);
      production = { config, creds, db };
      topologies.push(`production (\`excloud\`): one process per service, ${runtimeLabel(runtime)}`);
      const s3 = new S3Target({ host: '127.0.0.1', port: config.ports.gateway, bucket: DATA_BUCKET, ...creds, signedPayload: opts.signedPayload });
      states.excloud = await s3State(s3, payloads);
      probes.excloud = stackProbe(() => res.stack!, db);
    }
    if (ours.includes('local')) {
      const db = await createBenchDatabase('local');
      res.dbs.push(db);
      // The Node that scripts/run-local.sh runs local mode on.
      const node = nodeFromScript('scripts/local-node.sh');
      const version = nodeVersion(node);
      log(`starting local mode (node --import tsx scripts/local.ts on ${version}, what \`bash scripts/run-local.sh\` runs)`);
      checkpoint(res);
      res.local = await startLocalMode({ node, databaseUrl: db.url, dataDir: path.join(res.workDir, 'local') });
      checkpoint(res);
      topologies.push(`local mode (\`local\`): \`node --import tsx scripts/local.ts\` on ${version} (what \`bash scripts/run-local.sh\`, the command newcomers run, starts; its services load the checkout through \`scripts/ts-require.cjs\`), DATABASE_URL set, no Redis`);
      const s3 = new S3Target({ host: '127.0.0.1', port: res.local.port, bucket: DATA_BUCKET, ...res.local.credentials, name: 'local', signedPayload: opts.signedPayload });
      states.local = await s3State(s3, payloads);
      probes.local = localProbe(() => res.local!, db);
    }
    let nginxVersion = 'not available';
    if (opts.targets.includes('nginx')) {
      const found = findNginx(log);
      if ('error' in found) missing.nginx = found.error;
      else {
        res.nginx = await startNginx(found.bin, found.version, path.join(res.workDir, 'nginx'));
        nginxVersion = found.version;
        log(`nginx ${found.version} on port ${res.nginx.port}`);
        states.nginx = new TargetState(new NginxTarget('127.0.0.1', res.nginx.port, res.nginx.prefix), undefined, res.nginx.unlinkKeys);
        probes.nginx = nginxProbe(() => res.nginx);
      }
    }

    const env: CellEnv = { payloads, progress, seconds: opts.seconds, syncDir: res.workDir };
    const runs: CellRun[] = [];
    let index = 0;
    for (const def of cells) {
      if (res.interrupted) {
        failed = new Interrupted(`interrupted by ${res.interrupted}`);
        notes.push(`**The run was interrupted (${res.interrupted}) before ${def.id}.**`);
        break;
      }
      const members: Array<RoundMember & { position: number }> = [];
      for (const { target, position } of plan.filter((p) => p.def === def)) {
        index++;
        const state = states[target];
        if (state) members.push({ state, probe: probes[target]!, index, position });
        else runs.push({ ...skipped(def, target, missing[target] ?? `${target} is not available`), position });
      }
      try {
        const rounds = def.rounds > 1 ? opts.rounds : 1;
        const measured =
          rounds > 1 && members.length > 1
            ? await runCellInRounds(def, members, env, rounds)
            : await sequentially(members, (m) => runCell(def, m.state, m.index, env, m.probe));
        measured.forEach(({ window: _window, ...run }, i) => runs.push({ ...run, position: members[i]!.position }));
      } catch (err) {
        // Whatever broke (a crashed service, Postgres gone), the cells measured so far still get reported.
        failed = err as Error;
        notes.push(`**The run stopped at ${def.id}:** ${failed.message.split('\n')[0]}`);
        break;
      }
    }

    const peakRssMib = peakRss(res);
    let profile;
    if (opts.profile && !failed && production && states.excloud) {
      const { config, creds, db } = production;
      profile = await runProfiles({
        config,
        res,
        creds,
        signedPayload: opts.signedPayload,
        excloud: states.excloud,
        env,
        probeFor: (stack) => stackProbe(() => stack, db),
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
      rounds: opts.rounds,
      machine: machineInfo(res.workDir),
      versions: { ...(await versions(nginxVersion)), ...(rgwVersion ? { rgw: rgwVersion } : {}) },
      // Reported in the matrix's order whatever order they ran in.
      cells: runs.sort((a, b) => cells.indexOf(a.def) - cells.indexOf(b.def) || order.indexOf(a.target) - order.indexOf(b.target)),
      peakRssMib,
      authCacheTtlMs: AUTH_CACHE_TTL_MS,
      notes,
      profile,
      topologies,
      missing,
      baseline,
      note,
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

async function s3State(s3: S3Target, payloads: PayloadCache): Promise<TargetState> {
  await s3.createBucket();
  const list = s3.withBucket(LIST_BUCKET);
  await list.createBucket();
  await warmUp(s3, payloads);
  return new TargetState(s3, list);
}

/**
 * Untimed small writes and deletes before the first cell: a fresh RGW creates its data pool on the
 * first object and answers the first seconds of writes slowly; our services open their pools and
 * compile their hot paths. Every S3 target gets the same, so the first cell measures steady state.
 */
async function warmUp(s3: S3Target, payloads: PayloadCache): Promise<void> {
  const payload = payloads.get(4 * 1024);
  await runAll(WARMUP_OPS, 8, (i) => s3.put(`warmup/${i}`, payload));
  await runAll(WARMUP_OPS, 8, (i) => s3.delete(`warmup/${i}`));
}

function runtimeLabel(r: StackRuntime): string {
  return r.kind === 'node24' ? `compiled build (scripts/build.mjs) on Node ${r.version}` : `node --import tsx on ${r.version}`;
}

/** VmHWM is per process: read before any restart. Local mode and RGW sum their processes. */
function peakRss(res: Resources): Record<string, number> {
  const hwm = (pids: number[]) => pids.reduce((a, pid) => a + (readProc(pid)?.hwmKib ?? 0), 0) / 1024;
  const out: Record<string, number> = {};
  if (res.stack) for (const s of SERVICES) out[s] = hwm([res.stack.pidOf(s)]);
  if (res.local) for (const [g, pids] of Object.entries(res.local.groups())) out[`local: ${g}`] = hwm(pids);
  if (res.rgw) for (const [g, pids] of Object.entries(res.rgw.groups())) out[`rgw: ${g}`] = hwm(pids);
  if (res.nginx) out['nginx (all processes)'] = hwm(res.nginx.pids());
  return out;
}

function skipped(def: CellDef, target: TargetName, note: string): CellRun {
  return {
    def,
    target,
    summary: { cell: def.id, target, status: 'n/a', ops: 0, bytes: 0, errors: 0, errorSamples: [], seconds: 0, opsPerSec: 0, mibPerSec: 0, p50Ms: 0, p99Ms: 0, p999Ms: 0, meanMs: 0, maxMs: 0, note },
  };
}

async function teardown(res: Resources, opts: BenchOptions): Promise<void> {
  await res.stack?.stop().catch(() => undefined);
  await res.local?.stop().catch(() => undefined);
  await res.rgw?.stop().catch((err) => process.stderr.write(`could not stop RGW: ${err.message}\n`));
  // Also when interrupted while RGW was still starting (res.rgw not set yet).
  killDaemonsUnder(path.join(res.workDir, 'ceph'));
  await res.nginx?.stop().catch(() => undefined);
  for (const db of res.dbs) await db.drop().catch((err) => process.stderr.write(`could not drop ${db.name}: ${err.message}\n`));
  if (opts.keep) process.stdout.write(`kept ${res.workDir}\n`);
  else rmSync(res.workDir, { recursive: true, force: true });
}

async function sequentially<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

main().then(
  // Keep-alive sockets and timers must not hold the process once the report is written.
  () => process.exit(0),
  (err) => {
    if (err instanceof Interrupted) {
      process.stderr.write(`\nbench ${err.message}; cleaned up\n`);
      process.exit(130);
    }
    process.stderr.write(`\nbench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
