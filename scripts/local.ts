/**
 * Local mode: the whole service on embedded defaults from one command. Embedded Postgres (unless
 * DATABASE_URL is set), filesystem blobs under ./.data, janitor work without Redis (unless
 * REDIS_URL is set). Each service listens on its own port, as in production; on a machine with
 * more than one core each also runs in its own process (scripts/local-service), so the services
 * use the machine's cores instead of sharing one event loop. This process is then their
 * supervisor: it holds the data directory's lock, runs Postgres, stops the services in order,
 * and stops everything when one of them dies.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PORTS, asOrgId } from '@excloud/contracts';
import { createLogger, createPool, envReader, internalCredentialEnv, tuneGarbageCollector } from '@excloud/service-kit';
import { createAccessKey, createOrg, findOrg, migrateAuth, parseAuthConfig } from '@excloud/auth';
import { migrateMetadata } from '@excloud/metadata';
import { lockDataDir } from './data-dir-lock';
import { startEmbeddedPostgres } from './embedded-postgres';
import { loadOrCreateSecrets } from './local-secrets';
import { SERVICES, startService, type RunningService, type ServiceEnv, type ServiceName } from './local-services';
import { ServiceProcess } from './local-supervisor';
import { StartFailure, failureLine } from './start-failure';

const LOCAL_ORG = 'local';
/** Services of a wave start together; a wave starts once the previous one is ready. */
const WAVES: ServiceName[][] = [
  ['auth', 'metadata', 'blob'],
  ['janitor', 'gateway'],
];
// Also run when startup fails, so a failed start never leaves Postgres running.
const closers: Array<() => Promise<void>> = [];
/** How to stop each service: set when it is started, used in reverse start order (gateway first). */
const stoppers = new Map<ServiceName, () => Promise<void>>();
const children: ServiceProcess[] = [];

async function main(): Promise<void> {
  tuneGarbageCollector();
  const env = envReader();
  const dataDir = path.resolve(env.str('EXCLOUD_DATA_DIR', '.data'));
  const gatewayPort = env.int('PORT', DEFAULT_PORTS.gateway, { min: 0, max: 65535 });
  const logLevel = env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'warn');
  const perService = env.oneOf('EXCLOUD_LOCAL_PROCESSES', ['1', 'per-service'] as const, os.availableParallelism() > 1 ? 'per-service' : '1') === 'per-service';
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

  // Internal services take free ports, known before any starts so each is told the others' URLs:
  // only the S3 endpoint needs a well-known one.
  const [authPort, metadataPort, blobPort, janitorPort] = await freePorts(4);
  const urls = {
    AUTH_URL: `http://127.0.0.1:${authPort}`,
    METADATA_URL: `http://127.0.0.1:${metadataPort}`,
    BLOB_URL: `http://127.0.0.1:${blobPort}`,
    JANITOR_URL: `http://127.0.0.1:${janitorPort}`,
  };
  const controlUrl = urls.AUTH_URL;
  const internal = internalCredentialEnv(secrets.internal);
  // The same variables each service reads in production, whether it runs here or in a child.
  const common = { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', LOG_LEVEL: logLevel, ...urls };
  const envs: Record<ServiceName, ServiceEnv> = {
    auth: {
      ...common,
      PORT: String(authPort),
      AUTH_SECRET_KEY: secrets.authSecretKey,
      AUTH_TOKEN_PRIVATE_JWK: secrets.authTokenPrivateJwk,
      AUTH_ADMIN_TOKEN: secrets.authAdminToken,
      // Local mode has no org host names: `exc me` shows the endpoint the local key works on.
      AUTH_S3_ENDPOINT: `http://127.0.0.1:${gatewayPort}`,
      ...internal.auth,
    },
    metadata: { ...common, PORT: String(metadataPort) },
    blob: { ...common, PORT: String(blobPort), BLOB_FS_ROOT: path.join(dataDir, 'blobs'), BLOB_MASTER_KEYS: secrets.blobMasterKeys, ...internal.blob },
    janitor: { ...common, PORT: String(janitorPort), ...internal.janitor, JANITOR_ADMIN_TOKEN: secrets.authAdminToken },
    gateway: {
      ...common,
      ...internal.gateway,
      PORT: String(gatewayPort),
      HOST: env.str('HOST', '127.0.0.1'),
      GATEWAY_OPS_PORT: env.str('GATEWAY_OPS_PORT', '0'),
      GATEWAY_DEFAULT_ORG: LOCAL_ORG,
    },
  };
  const started = new Map<ServiceName, RunningService>();
  const pids = new Map<ServiceName, number>();
  const start = async (name: ServiceName) => {
    if (!perService) {
      const service = await startService(name, envs[name], logger.child({ service: name }));
      stoppers.set(name, () => service.close());
      started.set(name, service);
      pids.set(name, process.pid);
      return;
    }
    const child = new ServiceProcess(name, envs[name], (what) => crashed(what));
    children.push(child);
    stoppers.set(name, () => child.stop());
    started.set(name, await child.ready);
    pids.set(name, child.pid);
  };
  for (const wave of WAVES) {
    const results = await Promise.allSettled(wave.map(start));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  const gateway = started.get('gateway')!;
  const opsUrl = `http://127.0.0.1:${gateway.opsPort}`;
  writeFileSync(
    path.join(dataDir, 'local-runtime.json'),
    JSON.stringify({ ...urls, GATEWAY_OPS_URL: opsUrl, processes: { local: process.pid, ...Object.fromEntries(pids) } }, null, 2) + '\n',
  );

  const authConfig = parseAuthConfig(envReader(envs.auth));
  const credentials = await ensureCredentials(pool, authConfig, dataDir, `http://127.0.0.1:${gateway.port}`, controlUrl);
  await pool.end();
  lock.describe({ endpoint: credentials.endpoint });
  // `on`, not `once`: Ctrl-C reaches the whole process group and wrappers (pnpm, tsx) relay it
  // again; a second signal while draining must not kill us before Postgres has stopped.
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  const processes = perService
    ? `${children.length + 1} (local mode and one per service; EXCLOUD_LOCAL_PROCESSES=1 runs one)`
    : `1 (EXCLOUD_LOCAL_PROCESSES=per-service runs one per service)`;
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
      `  processes         ${processes}`,
      `  health, metrics   ${opsUrl}/readyz  /metrics`,
      '',
      `  try: AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey} aws --endpoint-url ${credentials.endpoint} --region auto s3 ls`,
      '',
    ].join('\n') + '\n',
  );
}

let stopping: Promise<void> | undefined;
/** Services in reverse start order (the gateway first, so no new work reaches the others), then Postgres, then the lock. */
function shutdown(code: number): Promise<void> {
  return (stopping ??= (async () => {
    const order = [...SERVICES].reverse().flatMap((name) => stoppers.get(name) ?? []);
    for (const close of [...order, ...closers.splice(0)]) await close().catch((err: Error) => process.stderr.write(`local mode: stopping failed: ${err.message}\n`));
    process.exit(code);
  })());
}

/**
 * A service that dies on its own stops local mode, with one line: restarting it would hide the
 * bug that killed it (and could not always get its port back), and one process would have died too.
 */
function crashed(what: string): void {
  if (stopping) return;
  process.stderr.write(`local mode stopped: ${what}, so it stopped the other services and Postgres. Fix: read that service's last log lines above, then start local mode again\n`);
  void shutdown(1);
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

/** Distinct free ports: every probe stays open until all are chosen, so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolve, reject) => {
            srv.once('error', reject);
            srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => (srv.listening ? srv.close(resolve) : resolve(undefined)))));
  }
}

function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw err;
    throw new StartFailure(`cannot create the data directory ${dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'set EXCLOUD_DATA_DIR to a directory you can write');
  }
}

// A crash of this process still takes the services with it (they also stop when their IPC
// channel closes, which covers SIGKILL).
process.on('exit', () => children.forEach((child) => child.killNow()));

main().catch((err) => {
  process.stderr.write(failureLine(err, process.env.LOG_LEVEL === 'debug') + '\n');
  return shutdown(1);
});
