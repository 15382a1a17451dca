import { createHash, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import { BlobClient, MetadataSystemClient } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { createServiceApp, createServiceMetrics, finishServiceApp, instrumentPeers, peerKey, startServer, type Logger } from '@excloud/service-kit';
import type { JanitorConfig } from './config';
import { drainOutbox, expireUploads, sweepOrphans } from './jobs';
import { createJanitorMetrics } from './metrics';
import { scheduleInProcess, scheduleWithBullmq, type JobName, type ScheduledJob, type Scheduler } from './schedule';
import { PackCompactionClient, compactPacks } from './pack-compaction-job';
import { systemTokenSource } from './system-token';
import { UsageSystemClient, reconcileUsage, rollupUsage, type UsageJobDeps } from './usage-jobs';

/**
 * The janitor: upload expiry, outbox drain and orphan sweep on BullMQ (or in-process timers
 * without Redis), plus health, readiness, metrics and an operator endpoint to run a job now.
 */
export async function startJanitorService(config: JanitorConfig, opts: { logger: Logger }): Promise<{ port: number; close(): Promise<void> }> {
  const logger = opts.logger;
  const base = createServiceMetrics('janitor');
  const metrics = createJanitorMetrics(base);
  instrumentPeers(base, { [peerKey(config.authUrl)]: 'auth', [peerKey(config.metadataUrl)]: 'metadata', [peerKey(config.blobUrl)]: 'blob' });
  const deps: UsageJobDeps = {
    metadata: new MetadataSystemClient(config.metadataUrl),
    blob: new BlobClient(config.blobUrl),
    token: systemTokenSource(config.authUrl, config.serviceSecret),
    metrics,
    log: logger,
    outboxGraceSeconds: config.outboxGraceSeconds,
    uploadMaxAgeSeconds: config.uploadMaxAgeSeconds,
    orphanGraceSeconds: config.orphanGraceSeconds,
    usage: new UsageSystemClient(config.metadataUrl),
    correctUsageDrift: config.usageReconcileCorrect,
  };
  const packs = new PackCompactionClient(config.blobUrl);
  const runners: Record<JobName, () => Promise<unknown>> = {
    outbox: () => drainOutbox(deps),
    uploadExpiry: () => expireUploads(deps),
    orphanSweep: () => sweepOrphans(deps),
    usageRollup: () => rollupUsage(deps),
    usageReconcile: () => reconcileUsage(deps),
    packCompaction: () => compactPacks(deps, packs),
  };
  const jobs: ScheduledJob[] = [
    { name: 'outbox', everyMs: config.outboxIntervalMs, run: runners.outbox },
    { name: 'uploadExpiry', everyMs: config.expiryIntervalMs, run: runners.uploadExpiry },
    { name: 'orphanSweep', everyMs: config.sweepIntervalMs, run: runners.orphanSweep },
    { name: 'usageRollup', everyMs: config.usageRollupIntervalMs, run: runners.usageRollup },
    { name: 'usageReconcile', everyMs: config.usageReconcileIntervalMs, run: runners.usageReconcile },
    { name: 'packCompaction', everyMs: config.packCompactionIntervalMs, run: runners.packCompaction },
  ];
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', () => undefined);
  // With Redis down the janitor still starts (not ready) and registers its schedulers once Redis
  // answers: nothing is lost meanwhile, outbox rows and uploads wait in Postgres.
  let scheduler: Scheduler | undefined;
  const scheduling = config.redisUrl
    ? scheduleWithBullmq(jobs, { url: config.redisUrl, prefix: config.queuePrefix }, metrics, logger).then((s) => (scheduler = s))
    : Promise.resolve((scheduler = scheduleInProcess(jobs, metrics, logger)));
  scheduling.catch((err: Error) => logger.error('janitor schedulers failed to start', { err }));

  metrics.readStatsFrom(async () => deps.metadata.stats(await deps.token()));
  metrics.readQueuesFrom(async () => (scheduler?.jobCounts ? scheduler.jobCounts() : {}));

  const app = createServiceApp({
    name: 'janitor',
    logger,
    metrics: base,
    ready: async () => {
      if (redis) {
        if (redis.status === 'wait') await redis.connect();
        await redis.ping();
      }
      if (!scheduler) throw new Error('job schedulers not registered yet');
    },
  });
  const expected = config.adminToken ? createHash('sha256').update(config.adminToken).digest() : undefined;
  app.post('/v1/jobs/:name/run', async (req, res) => {
    res.locals.operation = 'run_job';
    const given = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!expected || !timingSafeEqual(expected, createHash('sha256').update(given).digest())) throw new S3Error('AccessDenied');
    const runner = runners[String(req.params.name) as JobName];
    if (!runner) throw new S3Error('InvalidArgument', `unknown job: ${Object.keys(runners).join(', ')}`);
    res.json(await runner());
  });
  finishServiceApp(app, logger);
  const server = await startServer({
    handler: app,
    host: config.host,
    port: config.port,
    limits: config.http,
    logger,
    graceMs: config.shutdownGraceMs,
    onClose: async () => {
      await scheduler?.close();
      redis?.disconnect();
    },
  });
  logger.info('janitor listening', { port: server.port, mode: config.redisUrl ? 'bullmq' : 'in-process' });
  return server;
}
