import type { OrgId, OrgUsage } from '@excloud/contracts';
import { InternalClient, MetadataClient } from '@excloud/internal-client';
import type { TokenIssuer } from '../tokens';

/**
 * The control API's window on data other services own. Buckets and objects belong to metadata
 * (their only writer), so bucket changes and usage go through metadata's internal API with an
 * internal token the auth service issues for the org itself: the same path the gateway takes.
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

  async usage(orgId: OrgId, requestId?: string): Promise<OrgUsage> {
    return this.raw.json<OrgUsage>({ method: 'GET', path: '/v1/usage', token: await this.tokenFor(orgId), requestId });
  }

  /**
   * Quotas are enforced by metadata (issue 11, item 6); until their table exists there are none.
   * `null` means "no limit configured".
   */
  async quotas(_orgId: OrgId): Promise<null> {
    return null;
  }
}
