import type { Request, Response } from 'express';
import { isValidBlobId } from '@excloud/blob-backend';
import { S3Error } from '@excloud/s3-protocol';
import { toS3Error } from '../backend-errors';
import { blobIdParam, type BlobRouteDeps } from './deps';
import { MAX_LIST_LIMIT, listPage } from './list-blobs';

/**
 * Cross-org maintenance for the janitor (system token only): list every blob for the orphan
 * sweep, delete any blob when its outbox row drains.
 */
export function systemListBlobsRoute(deps: BlobRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.locals.operation = 'system_list_blobs';
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    const limit = Math.min(Number(req.query.limit ?? MAX_LIST_LIMIT) || MAX_LIST_LIMIT, MAX_LIST_LIMIT);
    res.json(await listPage(deps, { after, limit }));
  };
}

export function systemDeleteBlobRoute(deps: BlobRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.locals.operation = 'system_delete_blob';
    const blobId = blobIdParam(req.params.id);
    if (!isValidBlobId(blobId)) throw new S3Error('InvalidArgument', 'invalid blob id');
    try {
      await deps.backend.delete({ id: blobId });
    } catch (err) {
      throw toS3Error(err);
    }
    res.status(204).end();
  };
}
