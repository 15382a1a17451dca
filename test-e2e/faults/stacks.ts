import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { Topology, type ServiceName } from '../support/topology';
import { freePort, until } from './infra';
import { Ledger } from './ledger';
import { Load, loadClient, type LoadOptions } from './load';
import type { Stack } from './cell';
import { filesystemView, type BackendView } from './verify';

const ROOT = path.resolve(__dirname, '../..');
const KiB = 1024;

/**
 * Janitor settings for fault runs: reclaim at once when the harness asks, and on schedule drain the
 * outbox every 500 ms. The orphan grace (10 s) and upload age (60 s, the janitor's minimum) stay
 * long enough that a scheduled run right after a janitor restart never touches a PUT or an upload
 * still in flight; verification ages abandoned uploads in the database instead of waiting a minute.
 */
export const FAULT_JANITOR_ENV = {
  JANITOR_OUTBOX_GRACE_SECONDS: '0',
  JANITOR_ORPHAN_GRACE_SECONDS: '10',
  JANITOR_UPLOAD_MAX_AGE_SECONDS: '60',
  JANITOR_OUTBOX_INTERVAL_MS: '500',
};
export const RECLAIM_GRACE_MS = 10_500;
/** Temp files of a blob process killed mid-PUT are swept after 10 s (default 1 h). */
export const FAULT_BLOB_ENV = { BLOB_TEMP_GRACE_SECONDS: '10' };

export const DEFAULT_LOAD: Omit<LoadOptions, 'bucket'> = {
  workers: 3,
  keysPerWorker: 8,
  prefix: 'load/',
  mix: { put: 4, multipart: 1, get: 5, delete: 1, list: 1 },
  putSizes: [1 * KiB, 64 * KiB, 1024 * KiB],
  lastPartBytes: 1000,
  errorPauseMs: 100,
};

/**
 * A production topology on the given Postgres (admin URL) and Redis, with a bucket and a load.
 * `env` adds per-service settings; everything else (secrets, URLs) is built by Topology.start.
 */
export async function startStack(opts: {
  postgresUrl: string;
  redisUrl: string;
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  view?: (t: Topology) => BackendView;
  load?: Partial<Omit<LoadOptions, 'bucket'>>;
}): Promise<Stack> {
  // createTestDatabase() makes this stack's database on the Postgres named here.
  process.env.DATABASE_URL = opts.postgresUrl;
  const env = opts.env ?? {};
  const t = await Topology.start({
    ...env,
    janitor: { ...FAULT_JANITOR_ENV, REDIS_URL: opts.redisUrl, ...env.janitor },
    blob: { ...FAULT_BLOB_ENV, ...env.blob },
  });
  const client = loadClient(t.endpoint, t.credentials);
  const bucket = 'faults';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const ledger = new Ledger();
  const load = new Load(client, ledger, { ...DEFAULT_LOAD, ...opts.load, bucket });
  return { t, client, bucket, ledger, load, view: (opts.view ?? filesystemView)(t) };
}

export async function stopStack(s: Stack | undefined): Promise<void> {
  if (!s) return;
  await s.load.stop();
  s.client.destroy();
  await s.t.stop();
}

/**
 * A second, independent stack in local mode (one process) that serves as the S3 backend of the
 * stack under test: real S3 wire protocol, SigV4, multipart, on this machine only.
 */
export class BackingStore {
  private constructor(
    private readonly child: ChildProcess,
    private readonly db: TestDatabase,
    readonly dataDir: string,
    readonly port: number,
    readonly credentials: { accessKeyId: string; secretAccessKey: string },
    readonly bucket: string,
  ) {}

  static async start(postgresUrl: string): Promise<BackingStore> {
    process.env.DATABASE_URL = postgresUrl;
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'excloud-faults-backing-'));
    const port = await freePort();
    const out = openSync(path.join(dataDir, 'stack.log'), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, EXCLOUD_DATA_DIR: dataDir, PORT: String(port), REDIS_URL: '', LOG_LEVEL: 'warn', JANITOR_OUTBOX_GRACE_SECONDS: '0' },
      stdio: ['ignore', out, out],
    });
    const credsFile = path.join(dataDir, 'local-credentials.json');
    await until('backing store', () => {
      if (child.exitCode !== null) throw new Error(`backing store exited; see ${dataDir}/stack.log`);
      return existsSync(credsFile);
    }, 90_000);
    const creds = JSON.parse(readFileSync(credsFile, 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    const store = new BackingStore(child, db, dataDir, port, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, 'backing');
    await store.client().send(new CreateBucketCommand({ Bucket: store.bucket }));
    return store;
  }

  client(): S3Client {
    return loadClient(`http://127.0.0.1:${this.port}`, this.credentials);
  }

  /** Blob service settings that put its blobs in this store, through `endpoint` (the slow proxy). */
  blobEnv(endpoint: string): Record<string, string> {
    return {
      BLOB_BACKEND: 's3',
      BLOB_S3_ENDPOINT: endpoint,
      BLOB_S3_BUCKET: this.bucket,
      BLOB_S3_REGION: 'auto',
      BLOB_S3_PREFIX: 'blobs/',
      AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
    };
  }

  /** The stack's blobs as the backing bucket holds them, and any multipart upload left open there. */
  view(): BackendView {
    const client = this.client();
    return {
      blobIds: async () => {
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'blobs/', ContinuationToken: token }));
          for (const o of page.Contents ?? []) ids.push(o.Key!.slice('blobs/'.length));
          token = page.NextContinuationToken;
        } while (token);
        return ids;
      },
      leftovers: async () => {
        const open = await client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket }));
        return (open.Uploads ?? []).map((u) => `backing multipart upload ${u.Key}`);
      },
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    await this.db.drop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
