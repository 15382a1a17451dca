import { isPublicRead, type BucketInfo, type OrgQuotaLimits, type OrgUsageReport } from '@excloud/contracts';
import type { HourlyUsage } from './org-data';
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
  status: org.status,
  created_at: org.createdAt,
  s3_endpoint: s3EndpointTemplate.replaceAll('{org}', org.id),
});

export const keyView = (k: AccessKeySummary) => ({ access_key_id: k.accessKeyId, name: k.name, status: k.status, created_at: k.createdAt });

export const tokenView = (t: OrgTokenSummary) => ({ id: t.id, name: t.name, created_by: t.createdBy, created_at: t.createdAt, last_used_at: t.lastUsedAt });

export const bucketView = (b: BucketInfo) => ({ name: b.name, is_public: isPublicRead(b), versioning: b.versioning, created_at: b.createdAt });

export const quotaView = (q: OrgQuotaLimits) => ({ max_bytes: q.maxBytes, max_objects: q.maxObjects, max_buckets: q.maxBuckets, max_object_bytes: q.maxObjectBytes });

export const usageView = (orgId: string, u: OrgUsageReport) => ({ org_id: orgId, total: u.total, buckets: u.buckets, quotas: quotaView(u.quotas) });

export const hourlyView = (orgId: string, hours: HourlyUsage[]) => ({
  org_id: orgId,
  hours: hours.map((h) => ({
    hour: h.hour,
    byte_seconds: h.byteSeconds,
    average_bytes: h.averageBytes,
    bytes_stored: h.bytesStored,
    objects: h.objects,
    class_a_requests: h.classA,
    class_b_requests: h.classB,
    ingress_bytes: h.ingressBytes,
    egress_bytes: h.egressBytes,
  })),
});
