import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Pool } from 'pg';
import { createAccessKey, createOrg, generateTokenKey, parseAuthConfig } from '@excloud/auth';
import { asOrgId } from '@excloud/contracts';
import { SERVICE_NODE_FLAGS, envReader, generateInternalCredentials, internalCredentialEnv, type InternalCredentials } from '@excloud/service-kit';
import type { RuntimeKind } from './cli';
import { sleep } from './infra';

/**
 * The stack in its production topology: one node process per service, real Postgres and
 * Redis, filesystem blobs with fsync on. By default the compiled build the image ships
 * (`scripts/build.mjs`) on Node 24, `node --enable-source-maps services/<name>/dist/main.js` as
 * `deploy/excloud.sh` runs it; `--runtime node20-tsx` keeps the older way
 * (`node --import tsx services/<name>/src/main.ts` on the host's Node) for before/after runs.
 * Optionally under --cpu-prof.
 */
export const SERVICES = ['auth', 'metadata', 'blob', 'janitor', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const BENCH_ORG = 'bench';

export interface StackSecrets {
  authSecretKey: string;
  authTokenPrivateJwk: string;
  authAdminToken: string;
  blobMasterKeys: string;
  internal: InternalCredentials;
}


/** How each service process is started. */
export interface StackRuntime {
  kind: RuntimeKind;
  /** The node binary. */
  node: string;
  /** Working directory: the repository, or the compiled tree. */
  cwd: string;
  /** `node --version` of that binary. */
  version: string;
  /** Arguments after node's own flags. */
  entry(name: ServiceName): string[];
}

/** Where the bench builds the compiled tree (not build/app, which the e2e suite uses). */
export const BENCH_BUILD_DIR = 'build/bench-app';

export function tsxRuntime(): StackRuntime {
  return { kind: 'node20-tsx', node: process.execPath, cwd: REPO_ROOT, version: process.version, entry: (name) => [...SERVICE_NODE_FLAGS, '--import', 'tsx', `services/${name}/src/main.ts`] };
}

/** The Node binary a script of ours prints on its last line (scripts/fetch-node24.sh, scripts/local-node.sh). */
export function nodeFromScript(script: string): string {
  const run = spawnSync('bash', [script], { cwd: REPO_ROOT, encoding: 'utf8' });
  const node = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !node) throw new Error(`${script} failed: ${run.stderr}`);
  return node;
}

export function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Fetches Node 24 (scripts/fetch-node24.sh) and compiles the image's tree (scripts/build.mjs, ~12 s). */
export function prepareRuntime(kind: RuntimeKind, log: (line: string) => void): StackRuntime {
  if (kind === 'node20-tsx') return tsxRuntime();
  log('fetching Node 24 and compiling the production build (scripts/build.mjs)');
  const node = nodeFromScript('scripts/fetch-node24.sh');
  const built = spawnSync(process.execPath, ['scripts/build.mjs', BENCH_BUILD_DIR], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${built.status}):\n${`${built.stdout}${built.stderr}`.split('\n').slice(-20).join('\n')}`);
  return { kind, node, cwd: path.join(REPO_ROOT, BENCH_BUILD_DIR), version: nodeVersion(node), entry: (name) => [...SERVICE_NODE_FLAGS, '--enable-source-maps', `services/${name}/dist/main.js`] };
}

export interface StackConfig {
  runtime: StackRuntime;
  databaseUrl: string;
  redisUrl: string;
  blobRoot: string;
  logDir: string;
  secrets: StackSecrets;
  ports: Record<ServiceName | 'gatewayOps', number>;
}

export interface RunningService {
  name: ServiceName;
  pid: number;
  port: number;
  child: ChildProcess;
  logFile: string;
}

export async function newStackConfig(opts: { runtime: StackRuntime; databaseUrl: string; redisUrl: string; blobRoot: string; logDir: string }): Promise<StackConfig> {
  const ports = {} as StackConfig['ports'];
  for (const name of [...SERVICES, 'gatewayOps'] as const) ports[name] = await freePort();
  return {
    ...opts,
    ports,
    secrets: {
      authSecretKey: randomBytes(32).toString('base64'),
      authTokenPrivateJwk: await generateTokenKey(),
      authAdminToken: randomBytes(24).toString('hex'),
      blobMasterKeys: `k1:${randomBytes(32).toString('base64')}`,
      internal: generateInternalCredentials(),
    },
  };
}

/** Applies every service's migrations with the repo's own script (what the Helm job runs). */
export async function migrate(config: StackConfig): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: config.databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`migrations failed (exit ${code}):\n${output}`);
}

/** The org the bench works as, and one access key for it. */
export async function createBenchCredentials(config: StackConfig): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const authConfig = parseAuthConfig(envReader(serviceEnv(config, 'auth')));
  const pool = new Pool({ connectionString: config.databaseUrl });
  try {
    const orgId = asOrgId(BENCH_ORG);
    await createOrg(pool, { id: orgId, name: 'Benchmark' });
    const key = await createAccessKey(pool, authConfig, orgId);
    return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  } finally {
    await pool.end();
  }
}

export function serviceEnv(config: StackConfig, name: ServiceName): Record<string, string> {
  const url = (s: ServiceName) => `http://127.0.0.1:${config.ports[s]}`;
  const common = {
    HOST: '127.0.0.1',
    PORT: String(config.ports[name]),
    LOG_LEVEL: 'warn',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    AUTH_URL: url('auth'),
    METADATA_URL: url('metadata'),
    BLOB_URL: url('blob'),
  };
  const internal = internalCredentialEnv(config.secrets.internal);
  switch (name) {
    case 'auth':
      return {
        ...common,
        ...internal.auth,
        AUTH_SECRET_KEY: config.secrets.authSecretKey,
        AUTH_TOKEN_PRIVATE_JWK: config.secrets.authTokenPrivateJwk,
        AUTH_ADMIN_TOKEN: config.secrets.authAdminToken,
      };
    case 'blob':
      return { ...common, BLOB_BACKEND: 'fs', BLOB_FS_ROOT: config.blobRoot, BLOB_FSYNC: 'true', BLOB_MASTER_KEYS: config.secrets.blobMasterKeys, ...internal.blob };
    case 'janitor':
      return { ...common, ...internal.janitor, JANITOR_ADMIN_TOKEN: config.secrets.authAdminToken };
    case 'gateway':
      return { ...common, ...internal.gateway, GATEWAY_OPS_PORT: String(config.ports.gatewayOps), GATEWAY_BASE_DOMAIN: 'buckets.localhost' };
    default:
      return common;
  }
}

export class Stack {
  private constructor(
    readonly config: StackConfig,
    readonly services: RunningService[],
  ) {}

  get gatewayPort(): number {
    return this.config.ports.gateway;
  }

  /** Spawns every service, then waits until each answers /readyz (the gateway's on its ops port). */
  static async start(config: StackConfig, opts: { cpuProfDir?: string; timeoutMs?: number } = {}): Promise<Stack> {
    mkdirSync(config.logDir, { recursive: true });
    const services: RunningService[] = [];
    for (const name of SERVICES) {
      const logFile = path.join(config.logDir, `${name}.log`);
      const fd = openSync(logFile, 'a');
      const profArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(opts.cpuProfDir, name)}`] : [];
      const child = spawn(config.runtime.node, [...profArgs, ...config.runtime.entry(name)], {
        cwd: config.runtime.cwd,
        env: { ...process.env, NODE_ENV: 'production', ...serviceEnv(config, name) },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      services.push({ name, pid: child.pid!, port: config.ports[name], child, logFile });
    }
    const stack = new Stack(config, services);
    try {
      await Promise.all(services.map((s) => stack.waitReady(s, opts.timeoutMs ?? 120_000)));
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  pidOf(name: ServiceName): number {
    return this.services.find((s) => s.name === name)!.pid;
  }

  /** Stops the gateway first so no new work reaches the others; SIGTERM lets --cpu-prof write its file. */
  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
      s.child.kill('SIGTERM');
      const timer = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  }

  private async waitReady(s: RunningService, timeoutMs: number): Promise<void> {
    const port = s.name === 'gateway' ? this.config.ports.gatewayOps : s.port;
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (s.child.exitCode !== null) throw new Error(`${s.name} exited with ${s.child.exitCode} while starting:\n${tail(s.logFile)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`${s.name} not ready after ${timeoutMs} ms (last answer: ${last}):\n${tail(s.logFile)}`);
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
