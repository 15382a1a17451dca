import { isPublicRead, type BucketInfo, type OrgUsage } from '@excloud/contracts';
import type { AccessKeySummary, Org } from '../store';
import type { OrgTokenSummary } from './org-tokens';

/**
 * The control API's JSON shapes, in one place. Public fields are snake_case (`is_public`, as in
 * the customer docs); internal types stay camelCase.
 */

export const orgView = (org: Org, s3EndpointTemplate: string) => ({
  id: org.id,
  name: org.name,
  canonical_id: org.canonicalId,
  status: org.suspendedAt ? ('suspended' as const) : ('active' as const),
  created_at: org.createdAt,
  suspended_at: org.suspendedAt,
  s3_endpoint: s3EndpointTemplate.replaceAll('{org}', org.id),
});

export const keyView = (k: AccessKeySummary) => ({ access_key_id: k.accessKeyId, name: k.name, status: k.status, created_at: k.createdAt });

export const tokenView = (t: OrgTokenSummary) => ({ id: t.id, name: t.name, created_by: t.createdBy, created_at: t.createdAt, last_used_at: t.lastUsedAt });

export const bucketView = (b: BucketInfo) => ({ name: b.name, is_public: isPublicRead(b), versioning: b.versioning, created_at: b.createdAt });

export const usageView = (orgId: string, u: OrgUsage) => ({ org_id: orgId, total: u.total, buckets: u.buckets });
