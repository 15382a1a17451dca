import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readPackedIdsSync } from '@excloud/blob-backend';
import { stack } from './stack';

/** Blobs on disk in a local stack (files and packed): proves a refused write left no bytes behind. */
export function countStoredBlobs(): number | undefined {
  const dir = stack().dataDir;
  if (!dir) return undefined;
  const root = path.join(dir, 'blobs', 'blobs');
  let n = readPackedIdsSync(path.join(dir, 'blobs')).length;
  if (!existsSync(root)) return n;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else n += 1;
    }
  };
  walk(root);
  return n;
}

/** Blob ids on disk (`<org>/<date>/<id>`, files and packed) of a local stack. */
export function storedBlobIds(): Set<string> {
  const dir = stack().dataDir;
  const ids = new Set<string>();
  if (!dir) return ids;
  for (const id of readPackedIdsSync(path.join(dir, 'blobs'))) ids.add(id);
  const root = path.join(dir, 'blobs', 'blobs');
  if (!existsSync(root)) return ids;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else ids.add(path.relative(root, p));
    }
  };
  walk(root);
  return ids;
}

/** Runs a janitor job now (local stack only), as the scheduler would. */
export async function runJanitor(job: 'outbox' | 'uploadExpiry' | 'orphanSweep'): Promise<unknown> {
  const { readFileSync } = await import('node:fs');
  const dir = stack().dataDir!;
  const runtime = JSON.parse(readFileSync(path.join(dir, 'local-runtime.json'), 'utf8')) as { JANITOR_URL: string };
  const secrets = JSON.parse(readFileSync(path.join(dir, 'local-secrets.json'), 'utf8')) as { authAdminToken: string };
  const res = await fetch(`${runtime.JANITOR_URL}/v1/jobs/${job}/run`, { method: 'POST', headers: { authorization: `Bearer ${secrets.authAdminToken}` } });
  if (!res.ok) throw new Error(`janitor ${job}: ${res.status} ${await res.text()}`);
  return res.json();
}
