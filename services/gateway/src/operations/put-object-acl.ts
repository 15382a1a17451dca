import { aclFromRequest } from '../acl';
import type { OperationContext, S3Result } from '../context';
import { readSmallBody } from '../upload-body';

export async function putObjectAcl(ctx: OperationContext<'PutObjectAcl'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const body = (await readSmallBody(ctx.req, ctx.caller)).toString('utf8');
  const setting = aclFromRequest(ctx.req, body, await ctx.owner());
  await ctx.services.metadata.putObjectAcl(ctx.caller.token, bucket, key, versionId, setting, ctx.requestId);
  return {};
}
