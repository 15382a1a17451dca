import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import type { OrgId } from '@excloud/contracts';
import { ControlError } from './errors';
import { findOrgToken } from './org-tokens';

/** Who is calling the control API: the operator (AUTH_ADMIN_TOKEN) or one org (an org API token). */

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireOperator(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (req: Request, _res: Response, next: NextFunction) => {
    const given = bearer(req);
    if (!expected) return next(new ControlError('forbidden', 'the operator API is off (AUTH_ADMIN_TOKEN is not set)'));
    if (!given) return next(new ControlError('unauthorized', 'missing bearer token'));
    // Digests make the comparison constant-time whatever the lengths.
    if (!timingSafeEqual(expected, digest(given))) return next(new ControlError('unauthorized', 'invalid operator token'));
    next();
  };
}

/** Sets res.locals.orgId from an org API token; every org route reads the org only from there. */
export function requireOrgApiToken(pool: Pool) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const given = bearer(req);
    if (!given) return next(new ControlError('unauthorized', 'missing bearer token (an org API token, exc_…)'));
    const found = await findOrgToken(pool, given);
    if (!found) return next(new ControlError('unauthorized', 'invalid or revoked org API token'));
    if (found.suspended) return next(new ControlError('org_suspended', `org ${found.orgId} is suspended`));
    res.locals.orgId = found.orgId;
    res.locals.tokenId = found.tokenId;
    next();
  };
}

export function controlOrgOf(res: Response): OrgId {
  const orgId = res.locals.orgId as OrgId | undefined;
  if (!orgId) throw new Error('route is missing requireOrgApiToken');
  return orgId;
}
