/**
 * CPU per operation of each stack process, from /proc (robust on a busy machine, unlike ops/s):
 * starts the real services (one process each, fsync on, fresh database) from a checkout, then
 * drives signed PUT/GET/HEAD of 4 KiB and 1 MiB (and PUT/GET of 64 MiB) at concurrency 8 through the bench's client.
 * Each cell also reports its latency (p50, p99, max); MEASURE_METRICS=DIR saves every service's
 * /metrics at the end, whose histograms split an operation's time between the hops.
 *
 *   npx tsx scripts/measure-gateway.ts [--root DIR] [--count N] [--cells put4k,get4k,...] [--prof DIR] [--prof-service NAME] [--get-rounds N]
 *
 * `--root` runs another checkout's services (e.g. main) with this harness, for A/B runs back to
 * back; `--prof DIR` runs the gateway (or `--prof-service`) under --cpu-prof. The services load the
 * checkout through tsx, or with `--ts-hook` through local mode's loader (scripts/ts-require.cjs), or
 * with `--compiled DIR` from a compiled build (scripts/build.mjs DIR).
 *
 * On a machine whose speed drifts between runs, run the two sides of an A/B at the same time (two
 * of these at once, e.g. MEASURE_CONCURRENCY=4 each): both then see the same machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LatencyHistogram } from '../bench/src/histogram';
import { createBenchDatabase, REDIS_URL, sleep } from '../bench/src/infra';
import { Payload } from '../bench/src/payload';
import { createBenchCredentials, newStackConfig, serviceEnv, tsxRuntime, SERVICES, tail, type ServiceName } from '../bench/src/stack';
import { S3Target } from '../bench/src/targets/s3-target';
import { SERVICE_NODE_FLAGS } from '@excloud/service-kit';
import { cpuMs, inParallel, postgresCpuMs, rssMib } from './measure-support';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const ROOT = path.resolve(arg('root', path.resolve(__dirname, '..')));
const COUNT = Number(arg('count', '400'));
const CELLS = arg('cells', 'put4k,get4k,head4k,put1m,get1m').split(',');
/** GETs read every object this many times (a longer read phase to profile). */
const GET_ROUNDS = Number(arg('get-rounds', '1'));
const PROF = arg('prof', '');
const PROF_SERVICE = arg('prof-service', 'gateway');
/** A compiled tree (scripts/build.mjs) to run the services from instead of the checkout through tsx. */
const COMPILED = arg('compiled', '');
/** How the checkout's TypeScript is loaded: tsx, or local mode's require hook (scripts/ts-require.cjs). */
const TS_LOADER = args.includes('--ts-hook') ? ['--require', './scripts/ts-require.cjs', '--enable-source-maps'] : ['--import', 'tsx'];
const MEASURED: ServiceName[] = ['gateway', 'metadata', 'blob', 'auth'];

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const blobRoot = mkdtempSync(path.join(os.tmpdir(), 'measure-gw-'));
  const config = await newStackConfig({ runtime: tsxRuntime(), databaseUrl: db.url, redisUrl: REDIS_URL, blobRoot, logDir: path.join(blobRoot, 'logs') });
  const children = new Map<ServiceName, ChildProcess>();
  try {
    // The measured checkout's own migrations: its services may need a newer schema than ours.
    const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: config.databaseUrl, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    if (migrated.status !== 0) throw new Error(`migrations failed:\n${migrated.stdout}${migrated.stderr}`);
    const creds = await createBenchCredentials(config);
    for (const name of SERVICES) {
      const fd = openSync(path.join(blobRoot, `${name}.log`), 'a');
      // GATEWAY_NODE_ARGS: node flags for the profiled service; SERVICE_NODE_ARGS: for every service.
      const everyService = [...SERVICE_NODE_FLAGS, ...(process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)];
      const prof = name !== PROF_SERVICE ? everyService : [...everyService, ...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : []), ...(process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean)];
      children.set(
        name,
        spawn(process.execPath, [...prof, ...(COMPILED ? [`services/${name}/dist/main.js`] : [...TS_LOADER, `services/${name}/src/main.ts`])], {
          cwd: COMPILED ? path.resolve(COMPILED) : ROOT,
          env: { ...process.env, NODE_ENV: 'production', ...serviceEnv(config, name) },
          stdio: ['ignore', fd, fd],
        }),
      );
      closeSync(fd);
    }
    /** Where a service answers /readyz and /metrics. */
    const opsPort = (name: ServiceName) => (name === 'gateway' ? config.ports.gatewayOps : config.ports[name]);
    for (const name of SERVICES) {
      const port = opsPort(name);
      for (let i = 0; ; i++) {
        if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
        if (i > 600) throw new Error(`${name} did not start:\n${tail(path.join(blobRoot, `${name}.log`))}`);
        await sleep(200);
      }
    }
    console.error(`pids: ${[...children].map(([name, c]) => `${name}=${c.pid}`).join(' ')}`);
    const target = new S3Target({ host: '127.0.0.1', port: config.ports.gateway, bucket: 'measure', ...creds });
    await target.createBucket();
    const small = Payload.random(4096);
    const large = Payload.random(1024 * 1024);
    const huge = CELLS.includes('put64m') || CELLS.includes('get64m') ? Payload.random(64 * 1024 * 1024) : undefined;
    const result: Record<string, Record<string, number>> = {};
    const measure = async (cell: string, n: number, fn: (i: number) => Promise<void>, warmOps = 50) => {
      // Warm up: JIT, connections, caches (GETs read every object once: blobs are written with
      // O_DIRECT, so a first read would measure the disk).
      await inParallel(Math.min(warmOps, n), fn);
      const before = MEASURED.map((s) => cpuMs(children.get(s)!.pid!));
      const postgresBefore = postgresCpuMs();
      const peakRss = new Map<ServiceName, number>();
      const sampler = setInterval(() => {
        for (const s of MEASURED) peakRss.set(s, Math.max(peakRss.get(s) ?? 0, rssMib(children.get(s)!.pid!)));
      }, 100);
      const latency = new LatencyHistogram();
      const timed = async (i: number) => {
        const start = performance.now();
        await fn(i);
        latency.record((performance.now() - start) * 1000);
      };
      const t0 = Date.now();
      await inParallel(n, timed).finally(() => clearInterval(sampler));
      const wall = Date.now() - t0;
      const row: Record<string, number> = {};
      MEASURED.forEach((s, i) => (row[s] = +((cpuMs(children.get(s)!.pid!) - before[i]!) / n).toFixed(3)));
      row.postgres = +((postgresCpuMs() - postgresBefore) / n).toFixed(3);
      row.opsPerSec = +((n * 1000) / wall).toFixed(1);
      // Latency per operation (ms): a throughput that lags while the median does not is a tail.
      const ms = (micros: number) => +(micros / 1000).toFixed(2);
      Object.assign(row, { p50Ms: ms(latency.percentile(50)), p99Ms: ms(latency.percentile(99)), maxMs: ms(latency.max) });
      // MEASURE_RSS=1: the largest RSS (MiB) each service reached during the cell, sampled every 100 ms.
      if (process.env.MEASURE_RSS) for (const [s, mib] of peakRss) row[`${s}RssMib`] = Math.round(mib);
      result[cell] = row;
    };
    const keys = (prefix: string, i: number) => `${prefix}/${i}`;
    const largeCount = Math.max(50, Math.round(COUNT / 4));
    if (CELLS.includes('put4k') || CELLS.includes('get4k') || CELLS.includes('head4k')) await measure('put4k', COUNT, (i) => target.put(keys('s', i), small));
    if (CELLS.includes('get4k')) await measure('get4k', COUNT * GET_ROUNDS, (i) => target.get(keys('s', i % COUNT), small), COUNT);
    if (CELLS.includes('head4k')) await measure('head4k', COUNT, (i) => target.head(keys('s', i), small.size));
    if (CELLS.includes('put1m') || CELLS.includes('get1m')) await measure('put1m', largeCount, (i) => target.put(keys('l', i), large));
    if (CELLS.includes('get1m')) await measure('get1m', largeCount * GET_ROUNDS, (i) => target.get(keys('l', i % largeCount), large), largeCount);
    // Per MiB like the others would be per op: 64 MiB objects, COUNT/64 of them (at least 16).
    const hugeCount = Math.max(16, Math.round(COUNT / 64));
    if (huge) await measure('put64m', hugeCount, (i) => target.put(keys('h', i), huge));
    if (huge && CELLS.includes('get64m')) await measure('get64m', hugeCount * GET_ROUNDS, (i) => target.get(keys('h', i % hugeCount), huge), hugeCount);
    target.close();
    console.log(JSON.stringify({ root: ROOT, count: COUNT, result }));
    // MEASURE_METRICS=DIR: each service's /metrics at the end (its latency histograms say where an operation's time went).
    if (process.env.MEASURE_METRICS) {
      for (const name of MEASURED) {
        const text = await fetch(`http://127.0.0.1:${opsPort(name)}/metrics`).then((r) => r.text(), (err: unknown) => String(err));
        writeFileSync(path.join(process.env.MEASURE_METRICS, `${name}.prom`), text);
      }
    }
  } finally {
    for (const name of [...SERVICES].reverse()) {
      const child = children.get(name);
      if (!child || child.exitCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(PROF && name === PROF_SERVICE ? 'SIGTERM' : 'SIGKILL');
      await Promise.race([exited, sleep(15_000)]);
    }
    await db.drop().catch(() => undefined);
    // MEASURE_KEEP=1 keeps the data directory with each service's log (e.g. for --trace-gc).
    if (process.env.MEASURE_KEEP) console.error(`kept ${blobRoot}`);
    else rmSync(blobRoot, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
