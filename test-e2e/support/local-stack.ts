import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { freePort } from './free-port';

const ROOT = path.resolve(__dirname, '../..');

/** The whole stack in local mode as a child process, on a fresh database and data directory. */
export interface LocalStack {
  child: ChildProcess;
  db: TestDatabase;
  dataDir: string;
  port: number;
  credentials: { orgId: string; accessKeyId: string; secretAccessKey: string; controlUrl?: string };
  stop(): Promise<void>;
}

export async function startLocalStack(env: Record<string, string>): Promise<LocalStack> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'excloud-e2e-'));
  const port = await freePort();
  const logFile = path.join(dataDir, 'stack.log');
  const out = openSync(logFile, 'a');
  // E2E_COMPILED=<dir of scripts/build.mjs output>: run the compiled JS the image ships, not tsx.
  const compiled = process.env.E2E_COMPILED ? path.resolve(ROOT, process.env.E2E_COMPILED) : undefined;
  const child = spawn(process.execPath, compiled ? ['--enable-source-maps', 'scripts/local.js'] : ['--import', 'tsx', 'scripts/local.ts'], {
    cwd: compiled ?? ROOT,
    env: { ...process.env, DATABASE_URL: db.url, EXCLOUD_DATA_DIR: dataDir, PORT: String(port), REDIS_URL: '', ...env },
    stdio: ['ignore', out, out],
  });
  const credentialsFile = path.join(dataDir, 'local-credentials.json');
  await waitFor(() => existsSync(credentialsFile), 60_000, () => readFileSync(logFile, 'utf8'), child);
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8'));
  return {
    child,
    db,
    dataDir,
    port,
    credentials,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await db.drop().catch(() => undefined);
      if (!process.env.E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitFor(ok: () => boolean, timeoutMs: number, log: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (child.exitCode !== null) throw new Error(`stack exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`stack did not start within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
