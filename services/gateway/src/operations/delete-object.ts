import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { assertValidKey } from '../validation';

/** Deleting a key that does not exist succeeds, as in S3. Bytes are reclaimed later via the outbox. */
export async function deleteObject(ctx: OperationContext): Promise<S3Result> {
  const key = keyOf(ctx);
  assertValidKey(key);
  const versionId = ctx.query.get('versionId') ?? undefined;
  const result = await ctx.services.metadata.deleteObject(ctx.caller.token, bucketOf(ctx), key, versionId, ctx.requestId);
  return {
    status: 204,
    headers: {
      'x-amz-version-id': result.versionId,
      'x-amz-delete-marker': result.deleteMarker ? 'true' : undefined,
    },
  };
}
