import type { ManifestPart, OrgId } from '@excloud/contracts';
import type { Queryable } from './db';

export type OutboxReason = 'overwrite' | 'delete' | 'abort' | 'superseded-part' | 'unused-part' | 'expired';

/**
 * Records, in the same transaction that unpublished them, the blobs no version references any more.
 * The bytes are deleted later by the janitor, never inline: in-flight reads of the old version finish.
 */
export async function enqueueUnreferencedBlobs(tx: Queryable, orgId: OrgId, manifest: ManifestPart[] | null, reason: OutboxReason): Promise<void> {
  const parts = (manifest ?? []).filter((p) => typeof p.blobId === 'string' && p.blobId.length > 0);
  if (parts.length === 0) return;
  await tx.query('INSERT INTO blob_outbox (org_id, blob_id, reason, size) SELECT $1, unnest($2::text[]), $3, unnest($4::bigint[])', [
    orgId,
    parts.map((p) => p.blobId),
    reason,
    parts.map((p) => p.size ?? null),
  ]);
}
