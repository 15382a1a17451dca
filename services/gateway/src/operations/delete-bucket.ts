import type { OperationContext, S3Result } from '../context';

export async function deleteBucket(ctx: OperationContext<'DeleteBucket'>): Promise<S3Result> {
  await ctx.services.metadata.deleteBucket(ctx.caller.token, ctx.operation.bucket, ctx.requestId);
  return { status: 204 };
}
