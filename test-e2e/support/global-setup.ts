import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { Pool } from 'pg';
import { createTestDatabase } from '@excloud/test-kit';
import { STATE_ENV, type StackInfo } from './stack';

const ROOT = path.resolve(__dirname, '../..');
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
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'excloud-e2e-'));
  const port = await freePort();
  const logFile = path.join(dataDir, 'stack.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      EXCLOUD_DATA_DIR: dataDir,
      PORT: String(port),
      GATEWAY_BASE_DOMAIN: BASE_DOMAIN,
      GATEWAY_AUTH_CACHE_TTL_MS: '1000',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      REDIS_URL: '',
      // Reclaim superseded and aborted blobs as soon as a test runs the janitor.
      JANITOR_OUTBOX_GRACE_SECONDS: '0',
    },
    stdio: ['ignore', out, out],
  });
  const g = globalThis as { __excloudStack?: unknown };
  g.__excloudStack = { child, db, dataDir };
  await waitFor(() => existsSync(path.join(dataDir, 'local-credentials.json')), 60_000, () => readFileSync(logFile, 'utf8'), child);
  const creds = JSON.parse(readFileSync(path.join(dataDir, 'local-credentials.json'), 'utf8'));
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

async function waitFor(ok: () => boolean, timeoutMs: number, log: () => string, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (child.exitCode !== null) throw new Error(`stack exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`stack did not start within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
