import { S3_HEADERS } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { assertValidKey } from '../validation';

/** Deleting a key that does not exist succeeds, as in S3. Bytes are reclaimed later via the outbox. */
export async function deleteObject(ctx: OperationContext<'DeleteObject'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  assertValidKey(key);
  const result = await ctx.services.metadata.deleteObject(ctx.caller.token, bucket, key, versionId, ctx.requestId);
  // The current version may be gone or another now; so may the version named.
  ctx.services.readAhead.forget({ orgId: ctx.caller.orgId, bucket, key, versionId: undefined });
  if (versionId !== undefined) ctx.services.readAhead.forget({ orgId: ctx.caller.orgId, bucket, key, versionId });
  return {
    status: 204,
    headers: {
      [S3_HEADERS.versionId]: result.versionId,
      [S3_HEADERS.deleteMarker]: result.deleteMarker ? 'true' : undefined,
    },
  };
}
