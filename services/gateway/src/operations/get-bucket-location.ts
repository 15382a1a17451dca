import { renderLocationConstraint } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';

export async function getBucketLocation(ctx: OperationContext<'GetBucketLocation'>): Promise<S3Result> {
  await ctx.services.metadata.getBucket(ctx.caller.token, ctx.operation.bucket, ctx.requestId);
  return {
    xml: renderLocationConstraint(ctx.config.region),
  };
}
