import { aclFromRequest } from '../acl';
import type { OperationContext, S3Result } from '../context';
import { readSmallBody } from '../upload-body';

export async function putBucketAcl(ctx: OperationContext<'PutBucketAcl'>): Promise<S3Result> {
  const body = (await readSmallBody(ctx.req, ctx.caller)).toString('utf8');
  const setting = aclFromRequest(ctx.req, body, await ctx.owner());
  await ctx.services.metadata.putBucketAcl(ctx.caller.token, ctx.operation.bucket, setting, ctx.requestId);
  return {};
}
