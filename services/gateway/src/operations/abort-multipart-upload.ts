import type { OperationContext, S3Result } from '../context';

/** Abort drops the upload; its part blobs go to the outbox and are reclaimed by the janitor. */
export async function abortMultipartUpload(ctx: OperationContext<'AbortMultipartUpload'>): Promise<S3Result> {
  const { bucket, key, uploadId } = ctx.operation;
  await ctx.services.metadata.abortUpload(ctx.caller.token, bucket, key, uploadId, ctx.requestId);
  return { status: 204 };
}
