import express from 'express';
import { Counter } from 'prom-client';
import {
  assertMigrated,
  createPool,
  createServiceApp,
  createServiceMetrics,
  instrumentPool,
  createTokenVerifier,
  finishServiceApp,
  pingDatabase,
  requireOrgToken,
  requireSystemToken,
  startServer,
  withHotPaths,
  type Logger,
  type TokenVerifier,
} from '@excloud/service-kit';
import type { MetadataConfig } from './config';
import { anonymousPolicy } from './anonymous';
import { METADATA_MIGRATIONS_DIR } from './migrations';
import { bucketRoutes } from './routes/buckets';
import { hotObjectRoutes } from './routes/hot';
import { objectRoutes } from './routes/objects';
import { systemRoutes } from './routes/system';
import { uploadRoutes } from './routes/uploads';
import { usageReportRoutes, usageSystemRoutes } from './routes/usage';

export interface MetadataService {
  port: number;
  close(): Promise<void>;
}

/**
 * The only writer of bucket and version rows. Every route sits behind the internal org token and
 * every statement is scoped by the org the token names, never by anything in the request body.
 */
export async function startMetadataService(
  config: MetadataConfig,
  opts: { logger: Logger; tokenVerifier?: TokenVerifier },
): Promise<MetadataService> {
  const logger = opts.logger;
  const pool = createPool({ connectionString: config.databaseUrl, max: config.dbPoolSize, applicationName: 'excloud-metadata' });
  try {
    await assertMigrated(pool, { service: 'metadata', dir: METADATA_MIGRATIONS_DIR });
  } catch (err) {
    await pool.end();
    throw err;
  }
  const verifier = opts.tokenVerifier ?? createTokenVerifier({ jwksUrl: `${config.authUrl}/.well-known/jwks.json` });
  const metrics = createServiceMetrics('metadata');
  instrumentPool(metrics, pool);
  // Rows read per listing show whether delimiter listings really skip over folders.
  const listQueries = new Counter({
    name: 'excloud_metadata_list_queries_total',
    help: 'Database queries issued by object listings',
    registers: [metrics.registry],
  });
  const listRows = new Counter({
    name: 'excloud_metadata_list_rows_total',
    help: 'Version rows read by object listings',
    registers: [metrics.registry],
  });

  const app = createServiceApp({ name: 'metadata', logger, metrics, ready: () => pingDatabase(pool) });
  // Manifests of large multipart objects run to thousands of parts.
  app.use(express.json({ limit: '16mb' }));
  // Cross-org maintenance first: these routes take the janitor's system token, not an org's.
  app.use('/v1/system/usage', requireSystemToken(verifier), usageSystemRoutes(pool)); // METADATA_USAGE_ROUTES
  app.use('/v1/system', requireSystemToken(verifier), systemRoutes(pool));
  app.use('/v1/usage', requireOrgToken(verifier, { allowAnonymous: true }), usageReportRoutes(pool));
  app.use('/v1', requireOrgToken(verifier, { allowAnonymous: true }), anonymousPolicy(pool));
  app.use(bucketRoutes(pool));
  app.use(uploadRoutes(pool));
  app.use(
    objectRoutes(pool, (cost) => {
      listQueries.inc(cost.queries);
      listRows.inc(cost.rows);
    }),
  );
  finishServiceApp(app, logger);

  const handler = withHotPaths({ logger, metrics, route: hotObjectRoutes(pool, verifier, app), fallback: app });
  const server = await startServer({
    handler,
    host: config.host,
    port: config.port,
    logger,
    graceMs: config.shutdownGraceMs,
    onClose: () => pool.end(),
  });
  logger.info('metadata listening', { port: server.port });
  return { port: server.port, close: server.close };
}
