import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, asOrgId, type OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';

export const INTERNAL_TOKEN_HEADER = 'authorization';

/**
 * Downstream services trust only a verified internal token bound to an org, never a bare header.
 * Keys come from the auth service's JWKS endpoint (cached, refreshed on unknown kid).
 */
export interface TokenVerifier {
  verify(token: string): Promise<OrgId>;
  /** The org, and whether the token stands for an anonymous caller (public ACLs only). */
  verifyCaller(token: string): Promise<{ orgId: OrgId; anonymous: boolean }>;
  /** Resolves only for the janitor's system token (subject SYSTEM_SUBJECT, scope 'system'). */
  verifySystem(token: string): Promise<void>;
}

/** Not a valid org id by construction ('$'), so a system token can never pass as an org's. */
export const SYSTEM_SUBJECT = '$system';

export function createTokenVerifier(opts: { jwksUrl: string } | { keys: JWTVerifyGetKey }): TokenVerifier {
  const keys = 'keys' in opts ? opts.keys : createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 5_000, cacheMaxAge: 600_000 });
  const cache = new Map<string, { orgId: OrgId; anonymous: boolean; exp: number }>();
  const verifyCaller = async (token: string) => {
    const hit = cache.get(token);
    if (hit && hit.exp > Date.now()) return hit;
    const { payload } = await jwtVerify(token, keys, { audience: INTERNAL_TOKEN_AUDIENCE, issuer: INTERNAL_TOKEN_ISSUER });
    if (payload.scope === 'system') throw new Error('a system token is not an org token');
    const entry = { orgId: asOrgId(String(payload.sub)), anonymous: payload.scope === 'anonymous', exp: (payload.exp ?? 0) * 1000 };
    // Tokens are reused by the gateway for their whole lifetime: verify each once.
    if (cache.size > 10_000) cache.clear();
    cache.set(token, entry);
    return entry;
  };
  return {
    verifyCaller: async (token) => {
      const { orgId, anonymous } = await verifyCaller(token);
      return { orgId, anonymous };
    },
    async verify(token) {
      const { orgId, anonymous } = await verifyCaller(token);
      if (anonymous) throw new Error('an anonymous token names no signed-in caller');
      return orgId;
    },
    async verifySystem(token) {
      const { payload } = await jwtVerify(token, keys, { audience: INTERNAL_TOKEN_AUDIENCE, issuer: INTERNAL_TOKEN_ISSUER, subject: SYSTEM_SUBJECT });
      if (payload.scope !== 'system') throw new Error('not a system token');
    },
  };
}

/**
 * Express middleware: puts the verified OrgId in res.locals.orgId or answers 403. Anonymous
 * tokens (public-ACL reads) pass only with `allowAnonymous`, flagged in res.locals.anonymous.
 */
export function requireOrgToken(verifier: TokenVerifier, opts: { allowAnonymous?: boolean } = {}) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers[INTERNAL_TOKEN_HEADER];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return next(new S3Error('AccessDenied', 'missing internal token'));
    try {
      const caller = await verifier.verifyCaller(token);
      if (caller.anonymous && !opts.allowAnonymous) return next(new S3Error('AccessDenied'));
      res.locals.orgId = caller.orgId;
      res.locals.anonymous = caller.anonymous;
    } catch {
      return next(new S3Error('AccessDenied', 'invalid internal token'));
    }
    next();
  };
}

/** Express middleware for cross-org maintenance routes (the janitor): a system token or 403. */
export function requireSystemToken(verifier: TokenVerifier) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers[INTERNAL_TOKEN_HEADER];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return next(new S3Error('AccessDenied', 'missing system token'));
    try {
      await verifier.verifySystem(token);
    } catch {
      return next(new S3Error('AccessDenied', 'invalid system token'));
    }
    next();
  };
}

export function orgOf(res: Response): OrgId {
  const orgId = res.locals.orgId as OrgId | undefined;
  if (!orgId) throw new Error('route is missing requireOrgToken');
  return orgId;
}
