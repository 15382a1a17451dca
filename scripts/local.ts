/**
 * Local mode: the whole service on embedded defaults from one command. Embedded Postgres (unless
 * DATABASE_URL is set), filesystem blobs under ./.data, janitor work in-process (unless REDIS_URL
 * is set). Each service listens on its own port, as in production, inside one process.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DEFAULT_PORTS, asOrgId } from '@excloud/contracts';
import { createLogger, createPool, envReader, installShutdown, internalCredentialEnv } from '@excloud/service-kit';
import { createAccessKey, createOrg, findOrg, migrateAuth, parseAuthConfig, startAuthService } from '@excloud/auth';
import { migrateMetadata, parseMetadataConfig, startMetadataService } from '@excloud/metadata';
import { parseBlobConfig, startBlobService } from '@excloud/blob';
import { parseJanitorConfig, startJanitorService } from '@excloud/janitor';
import { parseGatewayConfig, startGatewayService } from '@excloud/gateway';
import { lockDataDir } from './data-dir-lock';
import { startEmbeddedPostgres } from './embedded-postgres';
import { loadOrCreateSecrets } from './local-secrets';
import { StartFailure, failureLine } from './start-failure';

const LOCAL_ORG = 'local';
// Also run when startup fails, so a failed start never leaves Postgres running.
const closers: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  const env = envReader();
  const dataDir = path.resolve(env.str('EXCLOUD_DATA_DIR', '.data'));
  const gatewayPort = env.int('PORT', DEFAULT_PORTS.gateway, { min: 0, max: 65535 });
  const logLevel = env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'warn');
  const logger = createLogger({ service: 'local' }, { level: logLevel });
  makeDataDir(dataDir);
  const lock = await lockDataDir(dataDir);
  closers.push(lock.release);

  let databaseUrl = env.optional('DATABASE_URL');
  let databaseWhere = 'your Postgres (DATABASE_URL)';
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir,
      port: env.int('EMBEDDED_PG_PORT', 54329, { min: 1, max: 65535 }),
      home: env.optional('EMBEDDED_PG_HOME'),
      log: (m) => logger.warn(m),
    });
    databaseUrl = pg.url;
    databaseWhere = pg.pgData;
    closers.unshift(pg.stop);
  }
  const secrets = await loadOrCreateSecrets(dataDir);
  const pool = createPool({ connectionString: databaseUrl, applicationName: 'excloud-local' });
  await migrateAuth(pool);
  await migrateMetadata(pool);

  // Internal services take free ports: only the S3 endpoint needs a well-known one.
  const common = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', LOG_LEVEL: logLevel, PORT: '0' };
  const serviceEnv = (extra: Record<string, string | undefined>) => envReader({ ...process.env, ...common, ...extra });
  // Auth's control API calls metadata, and metadata needs auth's URL: metadata's port is chosen first.
  const metadataUrl = `http://127.0.0.1:${await freePort()}`;
  const internal = internalCredentialEnv(secrets.internal);
  const authConfig = parseAuthConfig(
    serviceEnv({
      AUTH_SECRET_KEY: secrets.authSecretKey,
      AUTH_TOKEN_PRIVATE_JWK: secrets.authTokenPrivateJwk,
      AUTH_ADMIN_TOKEN: secrets.authAdminToken,
      // Local mode has no org host names: `exc me` shows the endpoint the local key works on.
      AUTH_S3_ENDPOINT: `http://127.0.0.1:${gatewayPort}`,
      METADATA_URL: metadataUrl,
      ...internal.auth,
    }),
  );
  const started: Array<{ port: number; close(): Promise<void> }> = [];
  const child = (service: string) => ({ logger: logger.child({ service }) });
  const auth = await startAuthService(authConfig, child('auth'));
  started.push(auth);
  const urls = { AUTH_URL: `http://127.0.0.1:${auth.port}` } as Record<string, string>;
  const controlUrl = urls.AUTH_URL!;
  const metadata = await startMetadataService(parseMetadataConfig(serviceEnv({ ...urls, PORT: new URL(metadataUrl).port })), child('metadata'));
  started.push(metadata);
  urls.METADATA_URL = `http://127.0.0.1:${metadata.port}`;
  const blob = await startBlobService(
    parseBlobConfig(serviceEnv({ ...urls, BLOB_FS_ROOT: path.join(dataDir, 'blobs'), BLOB_MASTER_KEYS: secrets.blobMasterKeys, ...internal.blob })),
    child('blob'),
  );
  started.push(blob);
  urls.BLOB_URL = `http://127.0.0.1:${blob.port}`;
  const janitor = await startJanitorService(parseJanitorConfig(serviceEnv({ ...urls, ...internal.janitor, JANITOR_ADMIN_TOKEN: secrets.authAdminToken })), child('janitor'));
  started.push(janitor);
  urls.JANITOR_URL = `http://127.0.0.1:${janitor.port}`;
  const gateway = await startGatewayService(
    parseGatewayConfig(
      serviceEnv({ ...urls, ...internal.gateway, PORT: String(gatewayPort), HOST: env.str('HOST', '127.0.0.1'), GATEWAY_OPS_PORT: env.str('GATEWAY_OPS_PORT', '0'), GATEWAY_DEFAULT_ORG: LOCAL_ORG }),
    ),
    child('gateway'),
  );
  started.push(gateway);
  writeFileSync(path.join(dataDir, 'local-runtime.json'), JSON.stringify({ ...urls, GATEWAY_OPS_URL: `http://127.0.0.1:${gateway.opsPort}` }, null, 2) + '\n');

  const credentials = await ensureCredentials(pool, authConfig, dataDir, `http://127.0.0.1:${gateway.port}`, controlUrl);
  await pool.end();
  lock.describe({ endpoint: credentials.endpoint });
  // Stop in reverse order: the gateway first so no new work reaches the others.
  installShutdown(logger, [...started.reverse().map((s) => () => s.close()), ...closers.splice(0)]);
  process.stdout.write(
    [
      '',
      'excloud buckets is running (local mode)',
      `  endpoint          ${credentials.endpoint}`,
      `  access key id     ${credentials.accessKeyId}`,
      `  secret access key ${credentials.secretAccessKey}`,
      `  region            ${credentials.region}`,
      `  control API       ${credentials.controlUrl}   (org token: pnpm admin create-org-token ${credentials.orgId})`,
      `  saved to          ${path.join(dataDir, 'local-credentials.json')}`,
      `  data              ${dataDir} (blobs, keys)`,
      `  database          ${databaseWhere}`,
      `  health, metrics   http://127.0.0.1:${gateway.opsPort}/readyz  /metrics`,
      '',
      `  try: AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey} aws --endpoint-url ${credentials.endpoint} --region auto s3 ls`,
      '',
    ].join('\n') + '\n',
  );
}

interface LocalCredentials {
  endpoint: string;
  orgId: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  controlUrl: string;
}

/** First start creates the default org and key; later starts reuse them (the endpoint may change). */
async function ensureCredentials(
  pool: ReturnType<typeof createPool>,
  authConfig: ReturnType<typeof parseAuthConfig>,
  dataDir: string,
  endpoint: string,
  controlUrl: string,
): Promise<LocalCredentials> {
  const file = path.join(dataDir, 'local-credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
    const updated = { ...saved, endpoint, controlUrl };
    writeFileSync(file, JSON.stringify(updated, null, 2) + '\n', { mode: 0o600 });
    return updated;
  }
  const orgId = asOrgId(LOCAL_ORG);
  if (!(await findOrg(pool, orgId))) await createOrg(pool, { id: orgId, name: 'Local org' });
  const key = await createAccessKey(pool, authConfig, orgId);
  const creds: LocalCredentials = { endpoint, orgId, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, region: 'auto', controlUrl };
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw err;
    throw new StartFailure(`cannot create the data directory ${dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'set EXCLOUD_DATA_DIR to a directory you can write');
  }
}

main().catch(async (err) => {
  process.stderr.write(failureLine(err, process.env.LOG_LEVEL === 'debug') + '\n');
  for (const close of closers) await close().catch(() => undefined);
  process.exit(1);
});
