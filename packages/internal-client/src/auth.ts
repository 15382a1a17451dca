import { AUTH_ROUTES, type VerifyResult } from '@excloud/contracts';
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

/**
 * The gateway's view of auth: signature verification and the org behind a token. Verify and
 * anonymous-token carry the gateway's own service credential; auth refuses them from anyone else.
 */
export class AuthClient {
  private readonly http: InternalClient;
  private readonly credential: Record<string, string>;
  constructor(baseUrl: string, serviceSecret: string) {
    this.http = new InternalClient(baseUrl);
    this.credential = { authorization: `Bearer ${serviceSecret}` };
  }

  verify(req: VerifyRequest, requestId?: string): Promise<VerifyResult> {
    return this.http.json<VerifyResult>({ method: 'POST', path: AUTH_ROUTES.verify, headers: this.credential, json: req, requestId });
  }

  /** A token for unsigned requests on an org's host; throws AccessDenied when the org does not exist. */
  anonymousToken(orgId: string, requestId?: string): Promise<{ token: string; expiresAt: number }> {
    return this.http.json({ method: 'POST', path: AUTH_ROUTES.anonymousToken, headers: this.credential, json: { orgId }, requestId });
  }

  getOrg(orgId: string, token: string, requestId?: string): Promise<OrgInfo> {
    return this.http.json<OrgInfo>({ method: 'GET', path: `/v1/orgs/${encodeURIComponent(orgId)}`, token, requestId });
  }
}

/** The janitor's view of auth: its system token, against its own service credential. */
export async function fetchSystemToken(authUrl: string, serviceSecret: string): Promise<{ token: string; expiresAt: number }> {
  const http = new InternalClient(authUrl, 5_000);
  return http.json({ method: 'POST', path: AUTH_ROUTES.systemToken, headers: { authorization: `Bearer ${serviceSecret}` } });
}
