import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ServiceName } from '../support/topology';
import { PrivatePostgres, PrivateRedis, sleep } from './infra';
import { percentile, type Sample } from './load';
import { judge, procUsage, renderSoak, type Interval } from './soak-report';
import { startStack, stopStack } from './stacks';
import { verifyAfterFault } from './verify';

const SERVICES: ServiceName[] = ['gateway', 'auth', 'metadata', 'blob', 'janitor'];
const KiB = 1024;

/**
 * `pnpm soak [--minutes 30] [--interval-seconds 60] [--warmup-minutes 5] [--out test-e2e/SOAK.md]`:
 * mixed load on a bounded working set against the production topology (private Postgres and
 * Redis), sampling every service's RSS and descriptors, and the error rate and latency per
 * interval. Not part of CI. Exits 1 when a criterion fails.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '30' },
      'interval-seconds': { type: 'string', default: '60' },
      'warmup-minutes': { type: 'string' },
      workers: { type: 'string', default: '3' },
      out: { type: 'string', default: path.resolve(__dirname, '../SOAK.md') },
    },
  });
  const minutes = Number(values.minutes);
  const intervalMs = Number(values['interval-seconds']) * 1000;
  const warmupMinutes = values['warmup-minutes'] !== undefined ? Number(values['warmup-minutes']) : Math.min(5, minutes / 6);
  const workers = Number(values.workers);
  const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  let startedAt = new Date();
  const background = [`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, shared with other engineers' builds and tests`, `before start: ${machineLoad()}`];

  const pg = await PrivatePostgres.start();
  const redis = await PrivateRedis.start();
  // Production-like janitor cadence, fast enough that overwritten blobs are reclaimed within the run.
  const s = await startStack({
    postgresUrl: pg.url,
    redisUrl: redis.url,
    env: { janitor: { JANITOR_OUTBOX_GRACE_SECONDS: '10', JANITOR_OUTBOX_INTERVAL_MS: '5000', JANITOR_ORPHAN_GRACE_SECONDS: '600', JANITOR_SWEEP_INTERVAL_MS: '300000', JANITOR_UPLOAD_MAX_AGE_SECONDS: '3600' } },
    load: { workers, keysPerWorker: 20, prefix: 'soak/', mix: { put: 4, multipart: 1, get: 10, delete: 1, list: 2 }, putSizes: [1 * KiB, 16 * KiB, 256 * KiB, 1024 * KiB], errorPauseMs: 250 },
  });
  const intervals: Interval[] = [];
  const all: Sample[] = [];
  const final: string[] = [];
  try {
    log(`soak: ${minutes} min, interval ${intervalMs / 1000} s, warm-up ${warmupMinutes} min, ${workers} workers; pids ${SERVICES.map((n) => `${n}=${s.t.pid(n)}`).join(' ')}`);
    const start = Date.now();
    startedAt = new Date();
    s.load.start();
    while (Date.now() - start < minutes * 60_000) {
      const next = Math.min(start + (intervals.length + 1) * intervalMs, start + minutes * 60_000);
      await sleep(Math.max(0, next - Date.now()));
      const samples = s.load.recorder.drain();
      all.push(...samples);
      const ok = samples.filter((x) => !x.error).map((x) => x.ms);
      const procs: Interval['procs'] = {};
      for (const name of SERVICES) {
        const u = procUsage(s.t.pid(name));
        if (u) procs[name] = { rssMiB: u.rssKib / 1024, fds: u.fds };
      }
      const t = Math.round((Date.now() - start) / 1000);
      const iv: Interval = { t, warmup: t <= warmupMinutes * 60, requests: samples.length, errors: samples.filter((x) => x.error).length, p50: percentile(ok, 50), p99: percentile(ok, 99), procs, loadavg: os.loadavg()[0]! };
      intervals.push(iv);
      log(`t=${t}s ${iv.requests} req, ${iv.errors} err, p50 ${iv.p50.toFixed(1)} p99 ${iv.p99.toFixed(1)} ms, load ${iv.loadavg.toFixed(2)}; ${SERVICES.map((n) => `${n} ${procs[n]?.rssMiB.toFixed(0)}M/${procs[n]?.fds}`).join(' ')}`);
    }
    await s.load.stop();
    all.push(...s.load.recorder.drain());
    background.push(`at the end: ${machineLoad()}`);
    const v = await verifyAfterFault(s.t, s.client, s.bucket, s.ledger, s.view, 0);
    final.push(`${v.keysChecked} keys read back against their last acknowledged write (SHA-256): ${s.ledger.lostOrAltered.length} lost or altered, ${s.ledger.halfVisible.length} half objects (these include every GET during the run)`);
    final.push(`janitor, run once after the load: ${v.reclaimed.uploadsExpired} uploads expired, ${v.reclaimed.outboxDeleted} superseded blobs deleted, ${v.reclaimed.orphansRemoved} orphans removed`);
    final.push(`blobs on disk vs referenced by metadata: ${v.leftovers.length} leftovers, ${v.missingBlobs.length} missing${v.leftovers.length ? ` (${v.leftovers.slice(0, 3).join('; ')})` : ''}`);
    for (const l of [...s.ledger.lostOrAltered, ...s.ledger.halfVisible].slice(0, 10)) final.push(`**${l}**`);
  } finally {
    await stopStack(s);
    await redis.stop();
    await pg.stop();
  }

  const readErrors = s.ledger.lostOrAltered.length + s.ledger.halfVisible.length;
  const verdicts = judge(intervals, SERVICES, readErrors);
  const perOp = [...new Set(all.map((x) => x.op))].sort().map((op) => {
    const xs = all.filter((x) => x.op === op);
    const ok = xs.filter((x) => !x.error).map((x) => x.ms);
    const errs = xs.filter((x) => x.error);
    const kinds = [...new Set(errs.map((x) => x.error))].join(', ');
    return `| ${op} | ${xs.length} | ${errs.length}${kinds ? ` (${kinds})` : ''} | ${percentile(ok, 50).toFixed(1)} | ${percentile(ok, 99).toFixed(1)} |`;
  });
  const setup = [
    'topology: one process per service (test-e2e/support/topology.ts), a private Postgres (Debian binaries, own port) and a private Redis, fsync\'d filesystem blobs',
    `load: ${workers} closed-loop workers, no retries; per worker 20 keys (working set ≤ ${workers * 20} objects); mix PutObject 4 (1 KiB–1 MiB) : multipart 1 (5 MiB + 1 KB) : GetObject 10 : DeleteObject 1 : ListObjectsV2 2`,
    'janitor on BullMQ: outbox drained every 5 s (grace 10 s), so overwritten blobs are reclaimed and disk use stays bounded',
    'every GET is checked against the writes made to its key (SHA-256); RSS from /proc/PID/status (VmRSS), descriptors from /proc/PID/fd',
  ];
  const command = `pnpm soak --minutes ${minutes}`;
  writeFileSync(values.out, renderSoak({ command, startedAt: startedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', minutes, warmupMinutes, intervals, services: SERVICES, verdicts, perOp, final, background, setup }) + '\n');
  log(`wrote ${values.out}: ${verdicts.every((v) => v.pass) ? 'PASS' : 'FAIL'}`);
  process.exit(verdicts.every((v) => v.pass) ? 0 : 1);
}

/** Load average and what was busiest just now (top's snapshot): the soak shares the machine. */
function machineLoad(): string {
  const top = execFileSync('top', ['-b', '-n', '1', '-o', '%CPU', '-w', '200'], { encoding: 'utf8' })
    .split('\n')
    .slice(7, 12)
    .map((l) => l.trim().split(/\s+/))
    .map((f) => `${f.slice(11).join(' ')} ${f[8]}%`)
    .join(', ');
  const procs = execFileSync('ps', ['-e', '--no-headers'], { encoding: 'utf8' }).trim().split('\n').length;
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${procs} processes; busiest right then: ${top}`;
}

main().catch((err) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
