import { S3Error } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { renderCorsXml } from '../cors';

export async function getBucketCors(ctx: OperationContext<'GetBucketCors'>): Promise<S3Result> {
  const { bucket } = ctx.operation;
  const rules = await ctx.services.metadata.getBucketCors(ctx.caller.token, bucket, ctx.requestId);
  if (!rules) throw new S3Error('NoSuchCORSConfiguration', undefined, { BucketName: bucket });
  return { xml: renderCorsXml(rules) };
}
