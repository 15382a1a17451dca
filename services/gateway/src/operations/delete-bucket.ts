import { bucketOf, type OperationContext, type S3Result } from '../context';

export async function deleteBucket(ctx: OperationContext): Promise<S3Result> {
  await ctx.services.metadata.deleteBucket(ctx.caller.token, bucketOf(ctx), ctx.requestId);
  return { status: 204 };
}
