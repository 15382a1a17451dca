import { aclFromRequest } from '../acl';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { readSmallBody } from '../upload-body';

export async function putObjectAcl(ctx: OperationContext): Promise<S3Result> {
  const versionId = ctx.query.get('versionId') ?? undefined;
  const body = (await readSmallBody(ctx.req, ctx.caller)).toString('utf8');
  const setting = aclFromRequest(ctx.req, body, await ctx.owner());
  await ctx.services.metadata.putObjectAcl(ctx.caller.token, bucketOf(ctx), keyOf(ctx), versionId, setting, ctx.requestId);
  return {};
}
