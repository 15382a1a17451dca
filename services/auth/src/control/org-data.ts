import { METADATA_USAGE_ROUTES, type OrgId, type OrgQuotaLimits, type OrgUsageReport } from '@excloud/contracts';
import { InternalClient, MetadataClient } from '@excloud/internal-client';
import type { TokenIssuer } from '../tokens';

/** One hour of metered usage, as metadata's usage_hourly keeps it. */
export interface HourlyUsage {
  hour: string;
  byteSeconds: string;
  averageBytes: number;
  bytesStored: number;
  objects: number;
  classA: number;
  classB: number;
  ingressBytes: number;
  egressBytes: number;
}

/**
 * The control API's window on data other services own. Buckets, usage counters and quotas belong
 * to metadata (their only writer), so they go through metadata's internal API: org routes with an
 * internal token auth issues for the org itself (the same path the gateway takes), quotas with
 * the system token, since an org must not set its own limits.
 */
export class OrgData {
  readonly metadata: MetadataClient;
  private readonly raw: InternalClient;
  constructor(
    metadataUrl: string,
    private readonly issuer: TokenIssuer,
  ) {
    this.metadata = new MetadataClient(metadataUrl);
    this.raw = new InternalClient(metadataUrl);
  }

  /** A short-lived internal token of this org (never handed to the caller). */
  async tokenFor(orgId: OrgId): Promise<string> {
    return (await this.issuer.issue(orgId)).token;
  }

  async usage(orgId: OrgId, requestId?: string): Promise<OrgUsageReport> {
    return this.raw.json<OrgUsageReport>({ method: 'GET', path: METADATA_USAGE_ROUTES.read, token: await this.tokenFor(orgId), requestId });
  }

  async hourly(orgId: OrgId, from: Date, to: Date, requestId?: string): Promise<HourlyUsage[]> {
    const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    const r = await this.raw.json<{ hours: HourlyUsage[] }>({ method: 'GET', path: `${METADATA_USAGE_ROUTES.hourly}?${q}`, token: await this.tokenFor(orgId), requestId });
    return r.hours;
  }

  /** Sets the given limits (null clears one, absent keeps it) and returns those in force. */
  async setQuotas(orgId: OrgId, quotas: Partial<OrgQuotaLimits>, requestId?: string): Promise<OrgQuotaLimits> {
    const token = (await this.issuer.issueSystem()).token;
    return this.raw.json<OrgQuotaLimits>({ method: 'PUT', path: `${METADATA_USAGE_ROUTES.quotas}/${encodeURIComponent(orgId)}`, token, requestId, json: quotas });
  }
}
