import { Router } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { ackOutbox, expireUploads, pendingOutbox, referencedBlobs, stats } from '../system-store';

/** The janitor's cross-org routes; mounted behind requireSystemToken. */
export function systemRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/outbox', async (req, res) => {
    res.locals.operation = 'system_outbox';
    res.json({ rows: await pendingOutbox(pool, int(req.query.olderThanSeconds, 600), int(req.query.limit, 500)) });
  });
  router.post('/outbox/ack', async (req, res) => {
    res.locals.operation = 'system_outbox_ack';
    const ids = (req.body as { ids?: unknown })?.ids;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id))) throw new S3Error('InvalidArgument', 'ids must be integers');
    await ackOutbox(pool, ids as number[]);
    res.json({ acknowledged: ids.length });
  });
  router.post('/uploads/expire', async (req, res) => {
    res.locals.operation = 'system_expire_uploads';
    const b = (req.body ?? {}) as Record<string, unknown>;
    res.json({ expired: await expireUploads(pool, int(b.olderThanSeconds, 7 * 86_400), int(b.limit, 500)) });
  });
  router.post('/blobs/referenced', async (req, res) => {
    res.locals.operation = 'system_referenced_blobs';
    const b = (req.body ?? {}) as { blobIds?: unknown; graceSeconds?: unknown };
    if (!Array.isArray(b.blobIds) || !b.blobIds.every((id) => typeof id === 'string')) throw new S3Error('InvalidArgument', 'blobIds must be strings');
    res.json({ referenced: await referencedBlobs(pool, b.blobIds as string[], int(b.graceSeconds, 600)) });
  });
  router.get('/stats', async (_req, res) => {
    res.locals.operation = 'system_stats';
    res.json(await stats(pool));
  });
  return router;
}

function int(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new S3Error('InvalidArgument', `invalid integer ${JSON.stringify(raw)}`);
  return n;
}
