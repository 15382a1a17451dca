import type { OperationContext } from './context';

const TTL_MS = 5_000;
const known = new Map<string, number>();

/**
 * Before streaming a body, make sure its bucket exists (a PUT to a missing bucket must not cost
 * its bytes). A bucket seen recently is taken on trust for a few seconds: the commit re-checks
 * it in the same transaction anyway, so a stale answer only means bytes stored and discarded.
 */
export async function assertBucketExists(ctx: OperationContext, bucket: string): Promise<void> {
  const key = `${ctx.caller.orgId}\u0000${bucket}`;
  const seen = known.get(key);
  if (seen !== undefined && Date.now() - seen < TTL_MS) return;
  await ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId);
  if (known.size > 10_000) known.clear();
  known.set(key, Date.now());
}
