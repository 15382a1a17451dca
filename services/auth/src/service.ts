import express from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import {
  assertMigrated,
  createPool,
  createServiceApp,
  createServiceMetrics,
  instrumentPool,
  createTokenVerifier,
  finishServiceApp,
  orgOf,
  pingDatabase,
  requireOrgToken,
  requireService,
  startServer,
  type Logger,
} from '@excloud/service-kit';
import { createLocalJWKSet } from 'jose';
import { AUTH_ROUTES } from '@excloud/contracts';
import { Counter } from 'prom-client';
import { adminRoutes } from './admin-routes';
import { controlRoutes } from './control';
import type { AuthConfig } from './config';
import { RevocationHub } from './revocations';
import { AUTH_MIGRATIONS_DIR, findOrg } from './store';
import { createTokenIssuer } from './tokens';
import { parseVerifyRequest, verifySigV4 } from './verify';

export interface AuthService {
  port: number;
  close(): Promise<void>;
}

export async function startAuthService(config: AuthConfig, opts: { logger: Logger; pool?: Pool }): Promise<AuthService> {
  const logger = opts.logger;
  const pool = opts.pool ?? createPool({ connectionString: config.databaseUrl, max: config.dbPoolSize, applicationName: 'excloud-auth' });
  await assertMigrated(pool, { service: 'auth', dir: AUTH_MIGRATIONS_DIR });
  const issuer = await createTokenIssuer(config.tokenPrivateJwk, config.tokenTtlSeconds);
  const metrics = createServiceMetrics('auth');
  instrumentPool(metrics, pool);
  const verifications = new Counter({
    name: 'excloud_auth_verifications_total',
    help: 'Signature verifications by result',
    labelNames: ['result'] as const,
    registers: [metrics.registry],
  });
  // auth checks its own tokens with its own public key: no HTTP round trip to itself.
  const ownTokens = createTokenVerifier({ keys: createLocalJWKSet(issuer.jwks) });
  const revocations = new RevocationHub(config.databaseUrl, logger);
  await revocations.start();

  const app = createServiceApp({ name: 'auth', logger, metrics, ready: () => pingDatabase(pool) });
  // The control plane (its own JSON parsing and error format) ahead of the internal routes.
  app.use(controlRoutes({ pool, config, issuer, logger }));
  app.use(express.json({ limit: '64kb' }));
  app.get(AUTH_ROUTES.jwks, (_req, res) => {
    res.locals.operation = 'jwks';
    res.setHeader('cache-control', 'public, max-age=300');
    res.json(issuer.jwks);
  });
  // Only the gateway verifies signatures: the answer (a signing key and an org token) is as good as the secret.
  app.post(AUTH_ROUTES.verify, async (req, res) => {
    res.locals.operation = 'verify';
    requireService(config.serviceCredentials, req.headers, ['gateway']);
    try {
      const result = await verifySigV4({ pool, config, issuer }, parseVerifyRequest(req.body));
      verifications.inc({ result: 'ok' });
      res.json(result);
    } catch (err) {
      verifications.inc({ result: err instanceof S3Error ? err.code : 'error' });
      throw err;
    }
  });
  // The gateway's token for unsigned requests on an org's host. It proves nothing about the
  // caller; metadata lets it read only buckets and objects whose ACL is public.
  app.post(AUTH_ROUTES.anonymousToken, async (req, res) => {
    res.locals.operation = 'anonymous_token';
    requireService(config.serviceCredentials, req.headers, ['gateway']);
    const orgId = (req.body as { orgId?: unknown } | undefined)?.orgId;
    const org = typeof orgId === 'string' ? await findOrg(pool, orgId) : null;
    if (!org || org.status !== 'active') throw new S3Error('AccessDenied');
    res.json(await issuer.issueAnonymous(org.id));
  });
  // The janitor's cross-org token, against its own service credential (no operator secret in the janitor).
  app.post(AUTH_ROUTES.systemToken, async (req, res) => {
    res.locals.operation = 'system_token';
    requireService(config.serviceCredentials, req.headers, ['janitor']);
    res.json(await issuer.issueSystem());
  });
  app.get('/v1/orgs/:orgId', requireOrgToken(ownTokens, { allowAnonymous: true }), async (req, res) => {
    res.locals.operation = 'get_org';
    // A token only ever reads its own org.
    if (String(req.params.orgId) !== orgOf(res)) throw new S3Error('AccessDenied');
    const org = await findOrg(pool, orgOf(res));
    if (!org) throw new S3Error('AccessDenied');
    res.json({ id: org.id, name: org.name, canonicalId: org.canonicalId });
  });
  // Pushes key and org revocations to the gateways (server-sent events; see revocations.ts).
  app.get(AUTH_ROUTES.revocations, (req, res) => {
    requireService(config.serviceCredentials, req.headers, ['gateway']);
    revocations.handler(req, res);
  });
  app.use('/v1/admin', adminRoutes(pool, config));
  finishServiceApp(app, logger);

  const server = await startServer({
    handler: app,
    host: config.host,
    port: config.port,
    logger,
    graceMs: config.shutdownGraceMs,
    onClose: async () => {
      if (!opts.pool) await pool.end();
    },
  });
  logger.info('auth listening', { port: server.port, adminApi: Boolean(config.adminToken) });
  return {
    port: server.port,
    close: async () => {
      await revocations.close();
      await server.close();
    },
  };
}
