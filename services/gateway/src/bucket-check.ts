import { TtlCache } from '@excloud/service-kit';
import type { OperationContext } from './context';

// Five seconds: long enough to spare metadata a round trip per PUT under steady traffic.
const known = new TtlCache<string, true>({ ttlMs: 5_000, maxEntries: 10_000 });

/**
 * Before streaming a body, make sure its bucket exists (a PUT to a missing bucket must not cost
 * its bytes). A bucket seen recently is taken on trust for a few seconds: the commit re-checks
 * it in the same transaction anyway, so a stale answer only means bytes stored and discarded.
 */
export async function assertBucketExists(ctx: OperationContext, bucket: string): Promise<void> {
  const key = `${ctx.caller.orgId}\u0000${bucket}`;
  if (known.get(key)) return;
  await ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId);
  known.set(key, true);
}
