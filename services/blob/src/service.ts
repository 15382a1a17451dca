import { instrumented, type BlobBackend } from '@excloud/blob-backend';
import {
  createServiceApp,
  createTokenVerifier,
  finishServiceApp,
  requireOrgToken,
  requireSystemToken,
  startServer,
  type Logger,
  type TokenVerifier,
} from '@excloud/service-kit';
import { createBlobBackend } from './backend-factory';
import type { BlobConfig } from './config';
import { createBlobMetrics } from './metrics';
import { deleteBlobRoute } from './routes/delete-blob';
import type { BlobRouteDeps } from './routes/deps';
import { getBlobRoute } from './routes/get-blob';
import { listBlobsRoute } from './routes/list-blobs';
import { putBlobRoute } from './routes/put-blob';
import { systemDeleteBlobRoute, systemListBlobsRoute } from './routes/system';

export interface BlobServiceOptions {
  logger: Logger;
  /** Defaults to the auth service's JWKS; tests pass a verifier over a local key. */
  tokenVerifier?: TokenVerifier;
  /** Defaults to the backend named in config; tests pass a MemoryBackend or a tmp-dir FilesystemBackend. */
  backend?: BlobBackend;
}

/**
 * The blob service: envelope encryption and digests over streamed bodies, on top of a BlobBackend.
 * It keeps no metadata: callers hold key info and sizes in their manifests and send them back.
 */
export async function startBlobService(config: BlobConfig, opts: BlobServiceOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { logger } = opts;
  const metrics = createBlobMetrics();
  const backend = instrumented(opts.backend ?? createBlobBackend(config), metrics.backend);
  const verifier = opts.tokenVerifier ?? createTokenVerifier({ jwksUrl: `${config.authUrl}/.well-known/jwks.json` });
  const deps: BlobRouteDeps = { backend, keyRing: config.keyRing, metrics };

  const app = createServiceApp({ name: 'blob', logger, metrics, ready: () => backend.check() });
  const auth = requireOrgToken(verifier);
  app.put('/v1/blobs', auth, putBlobRoute(deps));
  app.get('/v1/blobs', auth, listBlobsRoute(deps));
  // Reads of public objects come with the gateway's anonymous token; every write needs a signed-in one.
  app.get('/v1/blobs/*id', requireOrgToken(verifier, { allowAnonymous: true }), getBlobRoute(deps));
  app.delete('/v1/blobs/*id', auth, deleteBlobRoute(deps));
  const system = requireSystemToken(verifier);
  app.get('/v1/system/blobs', system, systemListBlobsRoute(deps));
  app.delete('/v1/system/blobs/*id', system, systemDeleteBlobRoute(deps));
  finishServiceApp(app, logger);

  const server = await startServer({ handler: app, host: config.host, port: config.port, limits: config.http, logger, graceMs: config.shutdownGraceMs });
  logger.info('blob listening', { port: server.port, backend: backend.name, activeKeyId: config.keyRing.activeKeyId });
  return server;
}
