/**
 * Queue names and job payloads are a versioned contract shared by the metadata service
 * (producer) and the janitor (consumer). Bump `$version` when a payload changes shape.
 */
export const QUEUES = {
  outbox: 'excloud.outbox.v1',
  uploadExpiry: 'excloud.upload-expiry.v1',
  orphanSweep: 'excloud.orphan-sweep.v1',
  usageRollup: 'excloud.usage-rollup.v1',
  usageReconcile: 'excloud.usage-reconcile.v1',
  packCompaction: 'excloud.pack-compaction.v1',
} as const;

export interface OutboxDrainJob { $version: 1; orgId?: string }
export interface UploadExpiryJob { $version: 1; orgId?: string }
export interface OrphanSweepJob { $version: 1; orgId?: string }
export interface UsageRollupJob { $version: 1; orgId?: string }
export interface UsageReconcileJob { $version: 1; orgId?: string }
export interface PackCompactionJob { $version: 1; orgId?: string }
