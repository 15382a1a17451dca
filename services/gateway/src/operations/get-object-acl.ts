import { S3_HEADERS, versionIdValue } from '@excloud/s3-protocol';
import { renderAcl } from '../acl';
import type { OperationContext, S3Result } from '../context';

export async function getObjectAcl(ctx: OperationContext<'GetObjectAcl'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const [version, owner] = await Promise.all([
    ctx.services.metadata.getObject(ctx.caller.token, bucket, key, versionId, ctx.requestId),
    ctx.owner(),
  ]);
  return {
    headers: { [S3_HEADERS.versionId]: versionIdValue(version.versionId) },
    xml: renderAcl(version, owner),
  };
}
