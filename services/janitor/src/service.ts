import Redis from 'ioredis';
import { createServiceApp, createServiceMetrics, finishServiceApp, startServer, type Logger } from '@excloud/service-kit';
import type { JanitorConfig } from './config';

/**
 * The janitor process: health, readiness (its Redis when configured) and metrics. The cleanup
 * jobs themselves (upload expiry, outbox drain, orphan sweep) are added with multipart support.
 */
export async function startJanitorService(config: JanitorConfig, opts: { logger: Logger }): Promise<{ port: number; close(): Promise<void> }> {
  const logger = opts.logger;
  const metrics = createServiceMetrics('janitor');
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null }) : undefined;
  if (redis) await redis.connect().catch((err: Error) => logger.warn('redis unavailable at start', { err }));
  const app = createServiceApp({
    name: 'janitor',
    logger,
    metrics,
    ready: async () => {
      if (redis) await redis.ping();
    },
  });
  finishServiceApp(app, logger);
  const server = await startServer({
    handler: app,
    host: config.host,
    port: config.port,
    logger,
    graceMs: config.shutdownGraceMs,
    onClose: async () => {
      redis?.disconnect();
    },
  });
  logger.info('janitor listening', { port: server.port, mode: redis ? 'bullmq' : 'in-process' });
  return server;
}
