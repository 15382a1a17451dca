import type { Request, Response } from 'express';
import { orgOf } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { assertOwnedBlobId, blobIdParam, type BlobRouteDeps } from './deps';

/** DELETE /v1/blobs/<id>: idempotent, so the janitor can retry outbox rows freely. */
export function deleteBlobRoute(deps: BlobRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.locals.operation = 'delete_blob';
    const blobId = blobIdParam(req.params.id);
    assertOwnedBlobId(orgOf(res), blobId);
    try {
      await deps.backend.delete({ id: blobId });
    } catch (err) {
      throw toS3Error(err);
    }
    res.status(204).end();
  };
}
