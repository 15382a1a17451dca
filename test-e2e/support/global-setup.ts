import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { startLocalStack, type LocalStack } from './local-stack';
import { STATE_ENV, type StackInfo } from './stack';

const BASE_DOMAIN = 'buckets.e2e.test';

/**
 * Starts the whole stack in local mode (real processes, real Postgres from DATABASE_URL or the
 * local service, filesystem blobs in a temp dir) unless E2E_ENDPOINT points at a running one.
 */
export default async function globalSetup(): Promise<void> {
  const stateFile = path.join(os.tmpdir(), `excloud-e2e-${process.pid}.json`);
  process.env[STATE_ENV] = stateFile;
  if (process.env.E2E_ENDPOINT) {
    writeFileSync(stateFile, JSON.stringify(fromEnv()));
    return;
  }
  const local = await startLocalStack({
    GATEWAY_BASE_DOMAIN: BASE_DOMAIN,
    GATEWAY_AUTH_CACHE_TTL_MS: '1000',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    // Reclaim superseded and aborted blobs as soon as a test runs the janitor.
    JANITOR_OUTBOX_GRACE_SECONDS: '0',
  });
  const g = globalThis as { __excloudStack?: LocalStack };
  g.__excloudStack = local;
  const { db, dataDir, port, credentials: creds } = local;
  const other = await createOtherOrg(db.url, dataDir);
  const info: StackInfo = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    baseDomain: BASE_DOMAIN,
    orgId: creds.orgId,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    other,
    dataDir,
    databaseUrl: db.url,
    controlUrl: creds.controlUrl,
    adminToken: JSON.parse(readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8')).authAdminToken,
  };
  writeFileSync(stateFile, JSON.stringify(info, null, 2));
}

/** A second tenant, to prove tenants never see each other. */
async function createOtherOrg(databaseUrl: string, dataDir: string) {
  const { createOrg, createAccessKey, parseAuthConfig } = await import('@excloud/auth');
  const { envReader, internalCredentialEnv } = await import('@excloud/service-kit');
  const { asOrgId } = await import('@excloud/contracts');
  const secrets = JSON.parse(readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8'));
  const config = parseAuthConfig(
    envReader({
      DATABASE_URL: databaseUrl,
      AUTH_SECRET_KEY: secrets.authSecretKey,
      AUTH_TOKEN_PRIVATE_JWK: secrets.authTokenPrivateJwk,
      AUTH_ADMIN_TOKEN: secrets.authAdminToken,
      ...internalCredentialEnv(secrets.internal).auth,
    }),
  );
  const pool = new Pool({ connectionString: databaseUrl });
  try {
    const orgId = asOrgId('other-org');
    await createOrg(pool, { id: orgId, name: 'Other org' });
    const key = await createAccessKey(pool, config, orgId);
    return { orgId, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  } finally {
    await pool.end();
  }
}

function fromEnv(): StackInfo {
  const e = process.env;
  const url = new URL(e.E2E_ENDPOINT!);
  return {
    endpoint: e.E2E_ENDPOINT!,
    port: Number(url.port || 80),
    baseDomain: e.E2E_BASE_DOMAIN ?? BASE_DOMAIN,
    orgId: e.E2E_ORG_ID!,
    accessKeyId: e.E2E_ACCESS_KEY_ID!,
    secretAccessKey: e.E2E_SECRET_ACCESS_KEY!,
    other: { orgId: e.E2E_OTHER_ORG_ID!, accessKeyId: e.E2E_OTHER_ACCESS_KEY_ID!, secretAccessKey: e.E2E_OTHER_SECRET_ACCESS_KEY! },
    controlUrl: e.E2E_CONTROL_URL,
    adminToken: e.E2E_ADMIN_TOKEN,
  };
}
