import type { Request, Response } from 'express';
import { Gauge } from 'prom-client';
import { S3Error } from '@excloud/s3-protocol';
import type { BlobRouteDeps } from './deps';

/** Below half dead, rewriting a segment moves more bytes than it frees. */
export const DEFAULT_MIN_DEAD_FRACTION = 0.5;

/**
 * Cross-org maintenance for the janitor (system token only): rewrite the filesystem backend's pack
 * segments whose dead fraction is at least `minDeadFraction`. Without packing there is nothing to
 * do and the answer says so with zeros. Also registers the pack's live/dead bytes gauge, since this
 * route is what moves it.
 */
export function systemCompactRoute(deps: BlobRouteDeps) {
  const packs = deps.backend.packs;
  if (packs) {
    new Gauge({
      name: 'excloud_blob_pack_bytes',
      help: 'Bytes of pack segment records, live (served or needed) and dead (reclaimable by compaction)',
      labelNames: ['state'],
      registers: [deps.metrics.registry],
      async collect() {
        const stats = await packs.stats();
        this.set({ state: 'live' }, stats.liveBytes);
        this.set({ state: 'dead' }, stats.deadBytes);
      },
    });
  }
  return async (req: Request, res: Response): Promise<void> => {
    res.locals.operation = 'system_compact_pack';
    const raw = req.query.minDeadFraction;
    const minDeadFraction = raw === undefined ? DEFAULT_MIN_DEAD_FRACTION : Number(raw);
    if (typeof raw === 'object' || !(minDeadFraction >= 0 && minDeadFraction <= 1)) {
      throw new S3Error('InvalidArgument', 'minDeadFraction must be a number from 0 to 1');
    }
    res.json(packs ? await packs.compact({ minDeadFraction }) : { segments: 0, removedBytes: 0, copiedBytes: 0 });
  };
}
