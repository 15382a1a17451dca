import type { OperationContext, S3Result } from '../context';

export async function deleteBucketCors(ctx: OperationContext<'DeleteBucketCors'>): Promise<S3Result> {
  await ctx.services.metadata.putBucketCors(ctx.caller.token, ctx.operation.bucket, null, ctx.requestId);
  return { status: 204 };
}
