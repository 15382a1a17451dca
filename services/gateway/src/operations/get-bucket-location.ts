import { S3_XMLNS, escapeXml } from '@excloud/s3-protocol';
import { bucketOf, type OperationContext, type S3Result } from '../context';

export async function getBucketLocation(ctx: OperationContext): Promise<S3Result> {
  await ctx.services.metadata.getBucket(ctx.caller.token, bucketOf(ctx), ctx.requestId);
  return {
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${escapeXml(ctx.config.region)}</LocationConstraint>`,
  };
}
