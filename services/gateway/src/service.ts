import http from 'node:http';
import { Gauge } from 'prom-client';
import { AUTH_ROUTES } from '@excloud/contracts';
import { AuthClient, BlobClient, MetadataClient } from '@excloud/internal-client';
import { createServiceApp, finishServiceApp, instrumentPeers, mintCapability, peerKey, startServer, type Logger } from '@excloud/service-kit';
import { createGatewayMetrics } from './metrics';
import { AnonymousTokens, Authenticator } from './authenticate';
import type { GatewayConfig } from './config';
import { BlobCache } from './blob-cache';
import { ReadAhead } from './read-ahead';
import { RevocationFeed } from './revocation-feed';
import { sendError } from './respond';
import { createS3Handler } from './s3-handler';
import { UsageMeter } from './usage-meter';

export interface GatewayService {
  port: number;
  opsPort: number;
  close(): Promise<void>;
}

/**
 * The public S3 endpoint and, on a separate port, /healthz, /readyz and /metrics: on the S3 port
 * every path is a bucket name, so operator endpoints cannot share it.
 */
export async function startGatewayService(config: GatewayConfig, opts: { logger: Logger }): Promise<GatewayService> {
  const logger = opts.logger;
  const metrics = createGatewayMetrics();
  instrumentPeers(metrics, { [peerKey(config.authUrl)]: 'auth', [peerKey(config.metadataUrl)]: 'metadata', [peerKey(config.blobUrl)]: 'blob' });
  const blob = new BlobClient(config.blobUrl, (capability) => mintCapability(config.capabilityKeys, capability));
  const blobCache = new BlobCache(config.blobCacheBytes, (outcome) => metrics.blobCache.inc({ outcome }));
  new Gauge({
    name: 'excloud_gateway_blob_cache_bytes',
    help: 'Plaintext bytes of small blobs held in the gateway blob cache',
    registers: [metrics.registry],
    collect() {
      this.set(blobCache.bytes);
    },
  });
  const services = {
    auth: new AuthClient(config.authUrl, config.serviceSecret),
    metadata: new MetadataClient(config.metadataUrl),
    blob,
    readAhead: new ReadAhead(blob, config.readAheadEntries, (outcome) => metrics.readAhead.inc({ outcome }), (blobId) => blobCache.has(blobId)),
    blobCache,
  };
  const authenticator = new Authenticator(services.auth, config.authCacheTtlMs);
  const anonymousTokens = new AnonymousTokens(services.auth);
  const feed = config.revocationFeed ? new RevocationFeed(`${config.authUrl}${AUTH_ROUTES.revocations}`, config.serviceSecret, [authenticator, anonymousTokens], logger) : undefined;
  feed?.start();
  // 0 means revocations wait for GATEWAY_AUTH_CACHE_TTL_MS: worth an alert if it lasts.
  new Gauge({
    name: 'excloud_gateway_revocation_feed_connected',
    help: '1 while the revocation stream from auth is live',
    registers: [metrics.registry],
    collect() {
      this.set(feed?.connected ? 1 : 0);
    },
  });
  const meter = new UsageMeter(config.metadataUrl, config.usageFlushMs, logger, metrics.registry);
  meter.start();
  const handle = createS3Handler({ config, services, authenticator, anonymousTokens, meter, logger, metrics });
  const handler: http.RequestListener = (req, res) => void handle(req, res);
  const s3 = await startServer({
    handler,
    host: config.host,
    port: config.port,
    limits: config.http,
    logger,
    graceMs: config.shutdownGraceMs,
    // Answer Expect: 100-continue ourselves, after authentication (see s3-handler).
    handlesExpectContinue: true,
    renderTimeout: (res, err) => sendError(res, err, String(res.getHeader('x-amz-request-id') ?? ''), res.req.method === 'HEAD'),
  });

  const ops = createServiceApp({
    name: 'gateway',
    logger,
    metrics,
    ready: async () => {
      await Promise.all([readyz(config.authUrl), readyz(config.metadataUrl), readyz(config.blobUrl)]);
    },
  });
  finishServiceApp(ops, logger);
  const opsServer = await startServer({ handler: ops, host: config.host, port: config.opsPort, limits: config.http, logger, graceMs: 1000 });
  logger.info('gateway listening', { port: s3.port, opsPort: opsServer.port, baseDomain: config.baseDomain });
  return {
    port: s3.port,
    opsPort: opsServer.port,
    async close() {
      await s3.close();
      feed?.close();
      // Counters of the requests just drained go out before the process ends.
      await meter.close();
      await opsServer.close();
    },
  };
}

async function readyz(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${baseUrl} not ready (${res.status})`);
}
