import type { OperationContext, S3Result } from '../context';
import { MAX_CORS_BYTES, parseCorsXml } from '../cors';
import { readSmallBody } from '../upload-body';

/** Replaces the bucket's CORS configuration, validated as S3 validates it. */
export async function putBucketCors(ctx: OperationContext<'PutBucketCors'>): Promise<S3Result> {
  const { bucket } = ctx.operation;
  const rules = parseCorsXml((await readSmallBody(ctx.req, ctx.caller, MAX_CORS_BYTES)).toString('utf8'));
  await ctx.services.metadata.putBucketCors(ctx.caller.token, bucket, rules, ctx.requestId);
  return {};
}
