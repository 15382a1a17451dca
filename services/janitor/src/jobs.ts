import type { BlobClient, MetadataSystemClient } from '@excloud/internal-client';
import type { Logger } from '@excloud/service-kit';
import type { JanitorMetrics } from './metrics';

export interface JobDeps {
  metadata: MetadataSystemClient;
  blob: BlobClient;
  token: () => Promise<string>;
  metrics: JanitorMetrics;
  log: Logger;
  outboxGraceSeconds: number;
  uploadMaxAgeSeconds: number;
  orphanGraceSeconds: number;
}

const PAGE = 500;

/**
 * Outbox → blob deletes. A row is acknowledged only after its blob is gone; a failed delete
 * leaves the row for the next run (and fails the job, so BullMQ retries with backoff).
 */
export async function drainOutbox(d: JobDeps): Promise<{ deleted: number }> {
  let deleted = 0;
  let failures = 0;
  for (;;) {
    const token = await d.token();
    const { rows } = await d.metadata.pendingOutbox(token, { olderThanSeconds: d.outboxGraceSeconds, limit: PAGE });
    if (rows.length === 0) break;
    const done: number[] = [];
    await inParallel(rows, 8, async (row) => {
      try {
        await d.blob.systemDelete(token, row.blobId);
        done.push(row.id);
        if (row.size) d.metrics.bytesReclaimed.inc({ source: 'outbox' }, row.size);
      } catch (err) {
        failures += 1;
        d.log.warn('outbox blob delete failed', { blobId: row.blobId, err: err as Error });
      }
    });
    if (done.length > 0) await d.metadata.ackOutbox(token, done);
    deleted += done.length;
    if (done.length < rows.length || rows.length < PAGE) break;
  }
  if (failures > 0) throw new Error(`${failures} outbox blob deletes failed; their rows stay for the next run`);
  return { deleted };
}

/** Abandoned multipart uploads: aborted by metadata, which queues their parts in the outbox. */
export async function expireUploads(d: JobDeps): Promise<{ expired: number }> {
  let expired = 0;
  for (;;) {
    const r = await d.metadata.expireUploads(await d.token(), { olderThanSeconds: d.uploadMaxAgeSeconds, limit: PAGE });
    expired += r.expired;
    if (r.expired < PAGE) break;
  }
  d.metrics.uploadsExpired.inc(expired);
  return { expired };
}

/**
 * Blobs no metadata row knows about (a crash between blob write and commit) are deleted once
 * older than the grace period, so a PUT still in flight never loses its blob.
 */
export async function sweepOrphans(d: JobDeps): Promise<{ scanned: number; removed: number }> {
  let after: string | undefined;
  let scanned = 0;
  let removed = 0;
  const cutoff = Date.now() - d.orphanGraceSeconds * 1000;
  do {
    const token = await d.token();
    const page = await d.blob.systemList(token, { after, limit: PAGE });
    scanned += page.blobs.length;
    const old = page.blobs.filter((b) => Date.parse(b.lastModified) < cutoff);
    if (old.length > 0) {
      const { referenced } = await d.metadata.referencedBlobs(token, old.map((b) => b.id), d.outboxGraceSeconds);
      const keep = new Set(referenced);
      const orphans = old.filter((b) => !keep.has(b.id));
      d.metrics.orphansFound.inc(orphans.length);
      await inParallel(orphans, 8, async (b) => {
        await d.blob.systemDelete(token, b.id);
        removed += 1;
        d.metrics.orphansRemoved.inc();
        d.metrics.bytesReclaimed.inc({ source: 'orphan' }, b.size);
      });
    }
    after = page.next;
  } while (after);
  return { scanned, removed };
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
