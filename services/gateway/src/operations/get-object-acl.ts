import { renderAcl } from '../acl';
import type { OperationContext, S3Result } from '../context';

export async function getObjectAcl(ctx: OperationContext<'GetObjectAcl'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const [version, owner] = await Promise.all([
    ctx.services.metadata.getObject(ctx.caller.token, bucket, key, versionId, ctx.requestId),
    ctx.owner(),
  ]);
  return {
    headers: { 'x-amz-version-id': version.versionId !== 'null' ? version.versionId : undefined },
    xml: renderAcl(version, owner),
  };
}
