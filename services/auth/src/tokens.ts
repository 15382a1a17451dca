import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, type OrgId } from '@excloud/contracts';
import { SYSTEM_SUBJECT } from '@excloud/service-kit';

/**
 * Internal tokens: short-lived ES256 JWTs whose subject is the org. Metadata and blob verify them
 * against the public key served at /.well-known/jwks.json and trust nothing else.
 */
export interface TokenIssuer {
  issue(orgId: OrgId): Promise<{ token: string; expiresAt: number }>;
  /** Stands for an unauthenticated caller of one org: metadata lets it read only what public ACLs allow. */
  issueAnonymous(orgId: OrgId): Promise<{ token: string; expiresAt: number }>;
  /** For the janitor's cross-org maintenance calls; only handed out against the admin token. */
  issueSystem(): Promise<{ token: string; expiresAt: number }>;
  jwks: { keys: JWK[] };
}

export async function createTokenIssuer(privateJwk: JWK & { kid: string }, ttlSeconds: number): Promise<TokenIssuer> {
  const kid = privateJwk.kid;
  const privateKey = (await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256')) as KeyLike;
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    jwks: { keys: [{ ...publicJwk, alg: 'ES256', use: 'sig', kid }] },
    issue: (orgId) => sign(orgId, {}),
    issueSystem: () => sign(SYSTEM_SUBJECT, { scope: 'system' }),
    issueAnonymous: (orgId) => sign(orgId, { scope: 'anonymous' }),
  };

  async function sign(subject: string, claims: Record<string, string>) {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(subject)
      .setAudience(INTERNAL_TOKEN_AUDIENCE)
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresAt: (now + ttlSeconds) * 1000 };
  }
}

/** A fresh signing key for AUTH_TOKEN_PRIVATE_JWK, as a JSON string. */
export async function generateTokenKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return JSON.stringify({ ...jwk, kid: `k-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}` });
}
