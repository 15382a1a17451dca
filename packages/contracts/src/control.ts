import { ALL_USERS_URI, type AclGrant } from './wire';

/**
 * Rules shared by the gateway (CreateBucket) and the control API (`exc buckets create`): the S3
 * naming rules of general purpose buckets, so a name the API accepts is one S3 clients can address.
 */
export function isValidBucketName(name: string): boolean {
  return (
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3')
  );
}

/**
 * Whether anyone, signed in or not, may read: a public canned ACL or an AllUsers READ grant.
 * The control API's `is_public` is this, read from the bucket's ACL (one source of truth).
 */
export function isPublicRead(setting: { acl?: string; grants?: AclGrant[] | null }): boolean {
  if (setting.grants) return setting.grants.some((g) => g.grantee.type === 'Group' && g.grantee.uri === ALL_USERS_URI && (g.permission === 'READ' || g.permission === 'FULL_CONTROL'));
  return setting.acl === 'public-read' || setting.acl === 'public-read-write';
}

/** An org's limits; null means unlimited (metadata enforces them in the commit transaction). */
export interface OrgQuotaLimits {
  maxBytes: number | null;
  maxObjects: number | null;
  maxBuckets: number | null;
  maxObjectBytes: number | null;
}

/**
 * Metadata's GET /v1/usage for the control API: the counters quotas are checked against (bytes and
 * objects count every stored version), the same per bucket, and the quotas in force.
 */
export interface OrgUsageReport {
  total: { buckets: number; objects: number; bytes: number };
  buckets: Array<{ name: string; objects: number; bytes: number }>;
  quotas: OrgQuotaLimits;
}
