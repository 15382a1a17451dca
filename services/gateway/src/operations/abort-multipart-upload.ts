import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { uploadIdOf } from '../multipart-params';

/** Abort drops the upload; its part blobs go to the outbox and are reclaimed by the janitor. */
export async function abortMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  await ctx.services.metadata.abortUpload(ctx.caller.token, bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx.query), ctx.requestId);
  return { status: 204 };
}
