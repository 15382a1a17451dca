import { renderAcl } from '../acl';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';

export async function getObjectAcl(ctx: OperationContext): Promise<S3Result> {
  const versionId = ctx.query.get('versionId') ?? undefined;
  const [version, owner] = await Promise.all([
    ctx.services.metadata.getObject(ctx.caller.token, bucketOf(ctx), keyOf(ctx), versionId, ctx.requestId),
    ctx.owner(),
  ]);
  return {
    headers: { 'x-amz-version-id': version.versionId !== 'null' ? version.versionId : undefined },
    xml: renderAcl(version, owner),
  };
}
