import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { readPackedIds } from '@excloud/blob-backend';
import { Pool } from 'pg';
import type { Topology } from '../support/topology';
import { ABSENT, type Ledger, sha256 } from './ledger';
import { errorLabel } from './load';
import { sleep } from './infra';

/** Files under a directory, as paths relative to it (blob ids for the filesystem backend). */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out;
}

/** Where blobs live: the topology's filesystem, or the bucket behind an S3 backend. */
export interface BackendView {
  blobIds(): Promise<string[]>;
  /** Crash leftovers that are not blobs (the filesystem backend's temp files). */
  leftovers(): Promise<string[]>;
}

export function filesystemView(t: Topology): BackendView {
  return {
    // Small blobs live in pack segments, the rest as files: an id is in exactly one of them.
    blobIds: async () => [...filesUnder(path.join(t.blobRoot, 'blobs')), ...(await readPackedIds(t.blobRoot))],
    leftovers: async () => filesUnder(path.join(t.blobRoot, '.tmp')).map((f) => `.tmp/${f}`),
  };
}

export interface Verification {
  /** Abandoned uploads aborted by the janitor's expiry job, blobs deleted by its outbox drain and orphan sweep. */
  reclaimed: { uploadsExpired: number; outboxDeleted: number; orphansRemoved: number };
  /** Blobs no metadata references after the janitor ran, temp files, open uploads, undrained outbox rows. */
  leftovers: string[];
  /** Blobs metadata references that the backend no longer has: data loss. */
  missingBlobs: string[];
  keysChecked: number;
}

/**
 * After the fault and the load: let the janitor reclaim (upload expiry, outbox, orphan sweep, each
 * run once now), read every key back against the ledger, and compare the backend's blobs with
 * what metadata references.
 */
export async function verifyAfterFault(t: Topology, client: S3Client, bucket: string, ledger: Ledger, view: BackendView, graceMs: number): Promise<Verification> {
  // Past the janitor's upload-age and orphan grace periods, so what failed writes left counts as abandoned.
  await sleep(graceMs);
  // The load has stopped, so every open upload is abandoned: age it past JANITOR_UPLOAD_MAX_AGE_SECONDS
  // (60 s at least) rather than wait a minute per cell. The janitor still finds and aborts them itself.
  const pool = new Pool({ connectionString: t.db.url });
  try {
    await pool.query("UPDATE multipart_uploads SET last_activity = last_activity - interval '61 seconds'");
  } finally {
    await pool.end();
  }
  const uploadsExpired = ((await t.runJanitor('uploadExpiry')) as { expired: number }).expired;
  const outboxDeleted = ((await t.runJanitor('outbox')) as { deleted: number }).deleted;
  const orphansRemoved = ((await t.runJanitor('orphanSweep')) as { removed: number }).removed;
  const outboxAfterSweep = ((await t.runJanitor('outbox')) as { deleted: number }).deleted;

  let keysChecked = 0;
  const listed = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) listed.add(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  for (const [key] of ledger.entries()) {
    const got = await readBack(client, bucket, key);
    ledger.observe(key, got, 'read-back');
    if ((got === ABSENT) === listed.has(key)) ledger.lostOrAltered.push(`listing: ${key} ${listed.has(key) ? 'listed but unreadable' : 'readable but not listed'}`);
    ledger.settle(key, got);
    listed.delete(key);
    keysChecked += 1;
  }
  for (const key of listed) ledger.halfVisible.push(`listing: ${key} was never written`);

  const leftovers: string[] = [];
  const missingBlobs: string[] = [];
  const db = new Pool({ connectionString: t.db.url });
  try {
    const versions = await db.query<{ id: string }>("SELECT DISTINCT m->>'blobId' AS id FROM object_versions, jsonb_array_elements(manifest) m");
    const parts = await db.query<{ id: string }>('SELECT blob_id AS id FROM upload_parts');
    const counts = await db.query<{ uploads: number; outbox: number }>(
      'SELECT (SELECT count(*)::int FROM multipart_uploads) AS uploads, (SELECT count(*)::int FROM blob_outbox) AS outbox',
    );
    const referenced = new Set([...versions.rows, ...parts.rows].map((r) => r.id));
    const onBackend = new Set(await view.blobIds());
    for (const id of onBackend) if (!referenced.has(id)) leftovers.push(`orphan blob ${id}`);
    for (const id of referenced) if (!onBackend.has(id)) missingBlobs.push(id);
    if (counts.rows[0]!.uploads > 0) leftovers.push(`${counts.rows[0]!.uploads} multipart uploads still open`);
    if (counts.rows[0]!.outbox > 0) leftovers.push(`${counts.rows[0]!.outbox} outbox rows undrained`);
  } finally {
    await db.end();
  }
  // The blob process sweeps its crash leftovers every few seconds in fault runs: give it one round.
  let stray = await view.leftovers();
  const deadline = Date.now() + 6_000;
  while (stray.length > 0 && Date.now() < deadline) {
    await sleep(500);
    stray = await view.leftovers();
  }
  leftovers.push(...stray);
  return { reclaimed: { uploadsExpired, outboxDeleted: outboxDeleted + outboxAfterSweep, orphansRemoved }, leftovers, missingBlobs, keysChecked };
}

async function readBack(client: S3Client, bucket: string, key: string): Promise<string> {
  // A read right after recovery may still meet a restarting peer: retry errors, never a wrong body.
  for (let attempt = 0; ; attempt++) {
    try {
      const o = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return sha256(Buffer.from(await o.Body!.transformToByteArray()));
    } catch (err) {
      if (errorLabel(err) === '404 NoSuchKey') return ABSENT;
      if (attempt >= 20) throw new Error(`read-back of ${key}: ${errorLabel(err)}`);
      await sleep(250);
    }
  }
}
