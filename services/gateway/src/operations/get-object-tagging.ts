import { S3_HEADERS, versionIdValue } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { renderTagging } from '../tagging';

export async function getObjectTagging(ctx: OperationContext<'GetObjectTagging'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const tagged = await ctx.services.metadata.getObjectTags(ctx.caller.token, bucket, key, versionId, ctx.requestId);
  return { headers: versionHeader(tagged.versionId), xml: renderTagging(tagged.tags) };
}

/** Tagging responses name the version they acted on, except the unversioned 'null' one. */
export function versionHeader(versionId: string): Record<string, string | undefined> {
  return { [S3_HEADERS.versionId]: versionIdValue(versionId) };
}
