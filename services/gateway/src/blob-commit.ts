import type { BlobPutResult } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import type { OperationContext } from './context';

/**
 * The one write path for new bytes: write the blob, then commit metadata naming it; if the
 * commit (or any check between the two) fails, the blob was never referenced and is discarded.
 * Used by PutObject, CopyObject, UploadPart and UploadPartCopy.
 */
export async function commitBlob<T>(ctx: OperationContext, write: () => Promise<BlobPutResult>, commit: (stored: BlobPutResult) => Promise<T>): Promise<T> {
  const stored = await write();
  try {
    return await commit(stored);
  } catch (err) {
    // Metadata unreachable, timed out or failing inside may have committed before the answer was
    // lost (the fault matrix killed it mid-PUT and a committed object lost its blob): only a
    // refusal proves the blob unreferenced. Otherwise the orphan sweep, which checks, reclaims it.
    if (!commitMayHaveHappened(err)) await discardBlob(ctx, stored.blobId);
    throw err;
  }
}

function commitMayHaveHappened(err: unknown): boolean {
  return !(err instanceof S3Error) || err.code === 'ServiceUnavailable' || err.code === 'InternalError';
}

/** Delete a blob nothing references. A failure is logged, not thrown: the orphan sweep reclaims it. */
export async function discardBlob(ctx: OperationContext, blobId: string): Promise<void> {
  await ctx.services.blob.delete(ctx.caller.orgId, blobId, ctx.requestId).catch((err: unknown) => {
    ctx.log.warn('could not discard unreferenced blob', { blobId, err: err instanceof Error ? err : new Error(String(err)) });
  });
}
