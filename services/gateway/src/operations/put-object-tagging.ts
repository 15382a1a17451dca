import type { OperationContext, S3Result } from '../context';
import { parseTaggingXml } from '../tagging';
import { readSmallBody } from '../upload-body';
import { versionHeader } from './get-object-tagging';

/** Replaces the whole tag set of one version. */
export async function putObjectTagging(ctx: OperationContext<'PutObjectTagging'>): Promise<S3Result> {
  const { bucket, key, versionId } = ctx.operation;
  const tags = parseTaggingXml((await readSmallBody(ctx.req, ctx.caller, 64 * 1024)).toString('utf8'));
  const done = await ctx.services.metadata.putObjectTags(ctx.caller.token, bucket, key, versionId, tags, ctx.requestId);
  return { headers: versionHeader(done.versionId) };
}
