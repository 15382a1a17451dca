import { renderAcl } from '../acl';
import type { OperationContext, S3Result } from '../context';

export async function getBucketAcl(ctx: OperationContext<'GetBucketAcl'>): Promise<S3Result> {
  const [bucket, owner] = await Promise.all([ctx.services.metadata.getBucket(ctx.caller.token, ctx.operation.bucket, ctx.requestId), ctx.owner()]);
  return { xml: renderAcl(bucket, owner) };
}
