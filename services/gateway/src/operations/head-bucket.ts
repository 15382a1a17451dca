import { bucketOf, type OperationContext, type S3Result } from '../context';

export async function headBucket(ctx: OperationContext): Promise<S3Result> {
  await ctx.services.metadata.getBucket(ctx.caller.token, bucketOf(ctx), ctx.requestId);
  return { headers: { 'x-amz-bucket-region': ctx.config.region } };
}
