import type { VerifyResult } from '@excloud/contracts';
import { InternalClient } from './http';

export interface VerifyRequest {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  stringToSign: string;
  signature: string;
}

export interface OrgInfo {
  id: string;
  name: string;
  canonicalId: string;
}

/** The gateway's view of auth: signature verification and the org behind a token. */
export class AuthClient {
  private readonly http: InternalClient;
  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl);
  }

  verify(req: VerifyRequest, requestId?: string): Promise<VerifyResult> {
    return this.http.json<VerifyResult>({ method: 'POST', path: '/v1/verify', json: req, requestId });
  }

  /** A token for unsigned requests on an org's host; throws AccessDenied when the org does not exist. */
  anonymousToken(orgId: string, requestId?: string): Promise<{ token: string; expiresAt: number }> {
    return this.http.json({ method: 'POST', path: '/v1/anonymous-token', json: { orgId }, requestId });
  }

  getOrg(orgId: string, token: string, requestId?: string): Promise<OrgInfo> {
    return this.http.json<OrgInfo>({ method: 'GET', path: `/v1/orgs/${encodeURIComponent(orgId)}`, token, requestId });
  }
}
