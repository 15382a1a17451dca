import { renderAcl } from '../acl';
import { bucketOf, type OperationContext, type S3Result } from '../context';

export async function getBucketAcl(ctx: OperationContext): Promise<S3Result> {
  const [bucket, owner] = await Promise.all([ctx.services.metadata.getBucket(ctx.caller.token, bucketOf(ctx), ctx.requestId), ctx.owner()]);
  return { xml: renderAcl(bucket, owner) };
}
