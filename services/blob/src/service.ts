import type { IncomingMessage } from 'node:http';
import { instrumented, type BlobBackend } from '@excloud/blob-backend';
import { BLOB_ROUTES } from '@excloud/contracts';
import {
  createServiceApp,
  createTokenVerifier,
  finishServiceApp,
  requireSystemToken,
  startServer,
  withHotPaths,
  type HotRoute,
  type Logger,
  type TokenVerifier,
} from '@excloud/service-kit';
import { createBlobBackend } from './backend-factory';
import type { BlobConfig } from './config';
import { createBlobMetrics } from './metrics';
import { deleteBlobRoute } from './routes/delete-blob';
import type { BlobRouteDeps } from './routes/deps';
import { getBlobRoute } from './routes/get-blob';
import { putBlobRoute } from './routes/put-blob';
import { systemDeleteBlobRoute, systemListBlobsRoute } from './routes/system';
import { systemCompactRoute } from './routes/system-compact';

export interface BlobServiceOptions {
  logger: Logger;
  /** Checks the janitor's system token; defaults to the auth service's JWKS. */
  tokenVerifier?: TokenVerifier;
  /** Defaults to the backend named in config; tests pass a MemoryBackend or a tmp-dir FilesystemBackend. */
  backend?: BlobBackend;
}

/**
 * The blob service: envelope encryption and digests over streamed bodies, on top of a BlobBackend.
 * It keeps no metadata: callers hold key info and sizes in their manifests and send them back.
 * Reads, writes and discards of one blob are hot-path routes that each need the gateway's
 * capability for that blob; cross-org maintenance needs the janitor's system token.
 */
export async function startBlobService(config: BlobConfig, opts: BlobServiceOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { logger } = opts;
  const metrics = createBlobMetrics();
  const backend = instrumented(opts.backend ?? createBlobBackend(config), metrics.backend);
  const verifier = opts.tokenVerifier ?? createTokenVerifier({ jwksUrl: `${config.authUrl}/.well-known/jwks.json` });
  const deps: BlobRouteDeps = { backend, keyRing: config.keyRing, metrics, capabilityKeys: config.capabilityKeys };

  const app = createServiceApp({ name: 'blob', logger, metrics, ready: () => backend.check() });
  const system = requireSystemToken(verifier);
  app.get(BLOB_ROUTES.systemList, system, systemListBlobsRoute(deps));
  app.delete(`${BLOB_ROUTES.systemList}/*id`, system, systemDeleteBlobRoute(deps));
  app.post(BLOB_ROUTES.systemCompact, system, systemCompactRoute(deps));
  finishServiceApp(app, logger);

  const hot: Record<string, HotRoute> = { PUT: putBlobRoute(deps), GET: getBlobRoute(deps), DELETE: deleteBlobRoute(deps) };
  const route = (req: IncomingMessage) => (req.url?.startsWith(BLOB_ROUTES.blobPrefix) ? hot[req.method ?? ''] : undefined);
  const handler = withHotPaths({ logger, metrics, route, fallback: app });
  const server = await startServer({ handler, host: config.host, port: config.port, limits: config.http, logger, graceMs: config.shutdownGraceMs });
  logger.info('blob listening', { port: server.port, backend: backend.name, activeKeyId: config.keyRing.activeKeyId });
  return server;
}
