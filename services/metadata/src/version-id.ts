import { pooledRandomBytes } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';

/** The version id of every write to an unversioned or versioning-suspended bucket. */
export const NULL_VERSION_ID = 'null';

const VERSION_ID = /^[0-9a-f]{32}$/;

/**
 * 12 hex digits of milliseconds then 20 of randomness: opaque, URL-safe, and sorting roughly by
 * write time (the authoritative order is the row's seq).
 */
export function newVersionId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + pooledRandomBytes(10).toString('hex');
}

/** Refuses ids we could never have issued, so a typo reads as InvalidArgument, not a missing version. */
export function assertValidVersionId(versionId: string): void {
  if (versionId !== NULL_VERSION_ID && !VERSION_ID.test(versionId)) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}
