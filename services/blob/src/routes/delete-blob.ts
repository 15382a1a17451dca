import { sendJson, type HotRoute } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { authorizeBlob, type BlobRouteDeps } from './deps';

/** DELETE /v1/blobs/<id>: the gateway discarding a blob it wrote but could not commit. Idempotent. */
export function deleteBlobRoute(deps: BlobRouteDeps): HotRoute {
  return {
    operation: 'delete_blob',
    async handle({ req, res }) {
      const { blobId } = authorizeBlob(deps, req, 'delete');
      req.resume();
      try {
        await deps.backend.delete({ id: blobId });
      } catch (err) {
        throw toS3Error(err);
      }
      sendJson(res, 200, {});
    },
  };
}
