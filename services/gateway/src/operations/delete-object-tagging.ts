import type { OperationContext, S3Result } from '../context';
import { versionHeader } from './get-object-tagging';

export async function deleteObjectTagging(ctx: OperationContext<'DeleteObjectTagging'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const done = await ctx.services.metadata.putObjectTags(ctx.caller.token, bucket, key, versionId, [], ctx.requestId);
  return { status: 204, headers: versionHeader(done.versionId) };
}
