import type { ManifestPart } from '@excloud/contracts';
import type { Queryable } from './db';

export type OutboxReason = 'overwrite' | 'delete';

/**
 * Records, in the same transaction that unpublished them, the blobs no version references any more.
 * The bytes are deleted later by the janitor, never inline: in-flight reads of the old version finish.
 */
export async function enqueueUnreferencedBlobs(tx: Queryable, orgId: string, manifest: ManifestPart[] | null, reason: OutboxReason): Promise<void> {
  const blobIds = (manifest ?? []).map((p) => p.blobId).filter((id): id is string => typeof id === 'string' && id.length > 0);
  if (blobIds.length === 0) return;
  await tx.query('INSERT INTO blob_outbox (org_id, blob_id, reason) SELECT $1, unnest($2::text[]), $3', [orgId, blobIds, reason]);
}
