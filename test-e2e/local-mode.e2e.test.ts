import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { existsSync, lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './support/free-port';
import { localCredentials, privateClone, removeClone, runLocal, stopLocal, untilServing, type LocalRun } from './support/local-clone';

/**
 * Issue 13: the README's first command, from a fresh checkout in a private (0700) directory, as
 * the CI user (root in CI: Postgres then runs as the `postgres` user, who cannot enter the
 * checkout). Data survives a restart, and a second local mode on the same data directory fails
 * with one clear line while the first keeps serving.
 */
// Generous: a cold start (install check, initdb, migrations) on a busy 2-core CI box; normally ~20 s.
const START_MS = 150_000;
let clone: { work: string; repo: string };
let ports: { s3: number; pg: number };
let running: LocalRun | undefined;

beforeAll(async () => {
  clone = privateClone();
  ports = { s3: await freePort(), pg: await freePort() };
}, 200_000);

afterAll(async () => {
  if (running) await stopLocal(running);
  if (clone) removeClone(clone.work);
}, 30_000);

function client(): S3Client {
  const c = localCredentials(clone.repo);
  return new S3Client({ region: 'auto', endpoint: c.endpoint, forcePathStyle: true, credentials: c, maxAttempts: 1 });
}

async function getText(bucket: string, key: string): Promise<string> {
  const res = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString();
}

test('starts from a 0700 checkout, keeps an object across a restart', async () => {
  expect(statSync(clone.work).mode & 0o777).toBe(0o700);
  running = runLocal(clone.repo, ports);
  await untilServing(running, START_MS);
  const banner = running.output();
  expect(banner).toContain(`endpoint          http://127.0.0.1:${ports.s3}`);
  const pgData = /database {10}(\S+)/.exec(banner)?.[1];
  expect(pgData).toBeDefined();
  if (process.getuid?.() === 0) {
    // The postgres user cannot enter the private checkout: the cluster lives where it can, and
    // .data/postgres links to it, as the README says.
    expect(pgData).not.toContain(clone.work);
    expect(lstatSync(path.join(clone.repo, '.data', 'postgres')).isSymbolicLink()).toBe(true);
    expect(statSync(pgData!).mode & 0o777).toBe(0o700);
  }

  const body = `kept across restarts ${Date.now()}`;
  await client().send(new CreateBucketCommand({ Bucket: 'keep' }));
  await client().send(new PutObjectCommand({ Bucket: 'keep', Key: 'a/b.txt', Body: body }));
  expect(await getText('keep', 'a/b.txt')).toBe(body);

  // Ctrl-C reaches the whole group; pnpm may die of the signal itself, but local mode must stop
  // Postgres cleanly (Postgres removes postmaster.pid only at the end of a clean shutdown).
  const stopped = await stopLocal(running);
  expect(stopped.code === 0 || stopped.signal === 'SIGINT').toBe(true);
  expect(existsSync(path.join(pgData!, 'postmaster.pid'))).toBe(false);
  // The restart skips the wrapper's install step (proven by the first start) to keep this test
  // short; what must survive is local mode's data, and that is the same code either way.
  running = runLocal(clone.repo, ports, 'direct');
  await untilServing(running, START_MS);
  expect(running.output()).toContain(`database          ${pgData}`);
  expect(await getText('keep', 'a/b.txt')).toBe(body);
}, 360_000);

test('a second local mode on the same data directory fails with one line; the first keeps serving', async () => {
  expect(running).toBeDefined(); // the instance the previous test restarted
  // Other ports, so only the shared data directory can stop it.
  const second = runLocal(clone.repo, { s3: await freePort(), pg: await freePort() }, 'direct');
  const exit = await Promise.race([second.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), START_MS))]);
  if (exit === 'timeout') await stopLocal(second);
  expect(exit).toEqual({ code: 1, signal: null });
  const said = second
    .output()
    .split('\n')
    .filter((l) => l.trim());
  expect(said).toEqual([expect.stringMatching(/^local mode failed to start: another local mode \(pid \d+, endpoint http:\/\/127\.0\.0\.1:\d+\) is already using the data directory .*\. Fix: /)]);
  expect(second.output()).not.toMatch(/\n\s+at /);

  expect(await getText('keep', 'a/b.txt')).toMatch(/^kept across restarts/);
  expect(running!.child.exitCode).toBeNull();
}, 200_000);
