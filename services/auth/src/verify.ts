import type { Pool } from 'pg';
import type { VerifyResult } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { deriveSigningKey, verifySignature } from '@excloud/sigv4';
import { lookupActiveKey } from './store';
import type { TokenIssuer } from './tokens';

/** What the gateway sends: everything SigV4 needs except the secret, which never leaves auth. */
export interface VerifyRequest {
  accessKeyId: string;
  date: string; // yyyymmdd of the credential scope
  region: string;
  service: string;
  stringToSign: string;
  signature: string;
}

const DATE = /^\d{8}$/;
const SCOPE_PART = /^[A-Za-z0-9-]{1,64}$/;

export function parseVerifyRequest(body: unknown): VerifyRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (name: keyof VerifyRequest) => {
    const v = b[name];
    if (typeof v !== 'string' || v.length === 0 || v.length > 8192) throw new S3Error('InvalidRequest', `verify: ${name} is required`);
    return v;
  };
  const req: VerifyRequest = {
    accessKeyId: str('accessKeyId'),
    date: str('date'),
    region: str('region'),
    service: str('service'),
    stringToSign: str('stringToSign'),
    signature: str('signature'),
  };
  if (!DATE.test(req.date) || !SCOPE_PART.test(req.region) || !SCOPE_PART.test(req.service)) {
    throw new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; the Credential is mal-formed.');
  }
  return req;
}

/**
 * Verifies the seed signature with the key's secret. On success the gateway gets the derived
 * signing key for this scope (so it can check chunk signatures and cache), and an internal token.
 */
export async function verifySigV4(
  deps: { pool: Pool; config: { secretKey: Buffer }; issuer: TokenIssuer },
  req: VerifyRequest,
): Promise<VerifyResult> {
  const key = await lookupActiveKey(deps.pool, deps.config, req.accessKeyId);
  if (!key) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: req.accessKeyId });
  const signingKey = deriveSigningKey(key.secret, req.date, req.region, req.service);
  if (!verifySignature(signingKey, req.stringToSign, req.signature)) {
    throw new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: req.accessKeyId });
  }
  // Only a caller who proved the secret learns that the org is suspended.
  if (key.orgStatus !== 'active') throw new S3Error('AccountProblem', 'Your organization is suspended.');
  const { token, expiresAt } = await deps.issuer.issue(key.orgId);
  return { orgId: key.orgId, accessKeyId: req.accessKeyId, signingKey: signingKey.toString('hex'), token, tokenExpiresAt: expiresAt };
}
