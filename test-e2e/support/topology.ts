import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { Pool } from 'pg';
import { createAccessKey, createOrg, generateTokenKey, migrateAuth, parseAuthConfig } from '@excloud/auth';
import { migrateMetadata } from '@excloud/metadata';
import { asOrgId } from '@excloud/contracts';
import { envReader, generateInternalCredentials, internalCredentialEnv } from '@excloud/service-kit';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@excloud/test-kit';

const ROOT = path.resolve(__dirname, '../..');
export type ServiceName = 'auth' | 'metadata' | 'blob' | 'janitor' | 'gateway';
const ORDER: ServiceName[] = ['auth', 'metadata', 'blob', 'janitor', 'gateway'];

/**
 * The production topology for fault tests: one process per service, each killable and
 * restartable on its own port, real Postgres and Redis, fsync'd filesystem blobs.
 */
export class Topology {
  private readonly children = new Map<ServiceName, ChildProcess>();
  private readonly extraGateways: ChildProcess[] = [];
  private constructor(
    readonly db: TestDatabase,
    readonly dataDir: string,
    readonly ports: Record<ServiceName | 'ops', number>,
    private readonly env: Record<ServiceName, Record<string, string>>,
    readonly credentials: { accessKeyId: string; secretAccessKey: string },
    readonly adminToken: string,
  ) {}

  /**
   * Ports come from freePort(), which cannot hold them: one can be taken (by another listener or an
   * outgoing connection's ephemeral port) before our service binds it. A start that loses a port
   * is thrown away and made again on fresh ports.
   */
  static async start(extraEnv: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<Topology> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Topology.startOnce(extraEnv);
      } catch (err) {
        if (!(err instanceof PortLostError) || attempt >= 3) throw err;
      }
    }
  }

  private static async startOnce(extraEnv: Partial<Record<ServiceName, Record<string, string>>>): Promise<Topology> {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'excloud-topology-'));
    const ports = { auth: await freePort(), metadata: await freePort(), blob: await freePort(), janitor: await freePort(), gateway: await freePort(), ops: await freePort() };
    const adminToken = randomBytes(24).toString('hex');
    const urls = { AUTH_URL: `http://127.0.0.1:${ports.auth}`, METADATA_URL: `http://127.0.0.1:${ports.metadata}`, BLOB_URL: `http://127.0.0.1:${ports.blob}` };
    const common = { ...urls, HOST: '127.0.0.1', DATABASE_URL: db.url, LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000' };
    const internal = internalCredentialEnv(generateInternalCredentials());
    const authEnv = { AUTH_SECRET_KEY: randomBytes(32).toString('base64'), AUTH_TOKEN_PRIVATE_JWK: await generateTokenKey(), AUTH_ADMIN_TOKEN: adminToken, ...internal.auth };
    const env: Record<ServiceName, Record<string, string>> = {
      auth: { ...common, ...authEnv, PORT: String(ports.auth) },
      metadata: { ...common, PORT: String(ports.metadata) },
      blob: { ...common, PORT: String(ports.blob), BLOB_FS_ROOT: path.join(dataDir, 'blobs'), BLOB_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`, ...internal.blob },
      janitor: { ...common, PORT: String(ports.janitor), ...internal.janitor, JANITOR_ADMIN_TOKEN: adminToken, REDIS_URL: await testRedisUrl(), JANITOR_QUEUE_PREFIX: `fault-${randomBytes(4).toString('hex')}`, ...extraEnv.janitor },
      gateway: { ...common, ...internal.gateway, PORT: String(ports.gateway), GATEWAY_OPS_PORT: String(ports.ops), GATEWAY_AUTH_CACHE_TTL_MS: '1000', ...extraEnv.gateway },
    };
    // Callers' overrides (a private Redis, blobs on a small filesystem, an S3 backend) win for every service.
    for (const name of ORDER) Object.assign(env[name], extraEnv[name]);
    const pool = new Pool({ connectionString: db.url });
    pool.on('error', () => undefined);
    let credentials;
    try {
      await migrateAuth(pool);
      await migrateMetadata(pool);
      const config = parseAuthConfig(envReader(env.auth));
      await createOrg(pool, { id: 'fault-org' });
      credentials = await createAccessKey(pool, config, asOrgId('fault-org'));
    } finally {
      await pool.end();
    }
    const t = new Topology(db, dataDir, ports, env, credentials, adminToken);
    try {
      for (const name of ORDER) await t.startService(name);
    } catch (err) {
      await t.stop();
      throw err;
    }
    return t;
  }

  /** The running process of a service (for /proc sampling), if it is up. */
  pid(name: ServiceName): number | undefined {
    const child = this.children.get(name);
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Where the filesystem backend keeps blobs (`<root>/blobs/<id>`, temp files in `<root>/.tmp`). */
  get blobRoot(): string {
    return this.env.blob.BLOB_FS_ROOT!;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  async startService(name: ServiceName): Promise<void> {
    const log = openSync(path.join(this.dataDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], { cwd: ROOT, env: { ...process.env, ...this.env[name] }, stdio: ['ignore', log, log] });
    this.children.set(name, child);
    await waitHealthy(child, name === 'gateway' ? this.ports.ops : this.ports[name], name, this.dataDir);
  }

  /** Another gateway replica on the same services (same env, its own ports); returns its endpoint. */
  async startExtraGateway(): Promise<string> {
    const port = await freePort();
    const ops = await freePort();
    const n = this.extraGateways.length + 2;
    const log = openSync(path.join(this.dataDir, `gateway${n}.log`), 'a');
    const env = { ...process.env, ...this.env.gateway, PORT: String(port), GATEWAY_OPS_PORT: String(ops) };
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', log, log] });
    this.extraGateways.push(child);
    await waitHealthy(child, ops, `gateway${n}`, this.dataDir);
    return `http://127.0.0.1:${port}`;
  }

  /** SIGKILL: no graceful shutdown, in-flight work is cut wherever it is. */
  async kill(name: ServiceName): Promise<void> {
    const child = this.children.get(name);
    // A child killed by a signal has exitCode null and signalCode set: it is gone all the same.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async runJanitor(job: 'outbox' | 'uploadExpiry' | 'orphanSweep' | 'usageRollup' | 'usageReconcile' | 'packCompaction'): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.ports.janitor}/v1/jobs/${job}/run`, { method: 'POST', headers: { authorization: `Bearer ${this.adminToken}` } });
    if (!res.ok) throw new Error(`janitor ${job}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async stop(): Promise<void> {
    for (const child of this.extraGateways) if (child.exitCode === null) child.kill('SIGKILL');
    for (const name of [...ORDER].reverse()) await this.kill(name);
    await this.db.drop();
  }
}

/** A service could not listen on its port, or another program answers there. */
class PortLostError extends Error {}

async function waitHealthy(child: ChildProcess, port: number, name: string, dataDir: string): Promise<void> {
  // Generous: on a loaded shared machine a tsx-compiled service can take a while to boot.
  const deadline = Date.now() + 90_000;
  const service = name.replace(/\d+$/, ''); // extra gateways are gateway2, gateway3…
  for (;;) {
    if (child.exitCode !== null) {
      const why = `${name} exited with ${child.exitCode}; see ${dataDir}/${name}.log`;
      throw readFileSync(path.join(dataDir, `${name}.log`), 'utf8').includes('EADDRINUSE') ? new PortLostError(why) : new Error(why);
    }
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then(async (r) => (r.ok ? ((await r.json()) as { service?: string }) : undefined))
      .catch(() => undefined);
    // Another of our services on this port would answer too: only ours, by name, counts.
    if (answer?.service === service) return;
    if (answer) throw new PortLostError(`port ${port} of ${name} answers as ${answer.service}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
