import type { OperationContext, S3Result } from '../context';

export async function headBucket(ctx: OperationContext<'HeadBucket'>): Promise<S3Result> {
  await ctx.services.metadata.getBucket(ctx.caller.token, ctx.operation.bucket, ctx.requestId);
  return { headers: { 'x-amz-bucket-region': ctx.config.region } };
}
