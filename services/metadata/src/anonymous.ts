import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import type { AclGrant } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { isPublicRead } from './acl-store';

const READ_ROUTE = /^\/v1\/buckets\/([^/]+)(\/list|\/object)?$/;
/** CORS rules: the gateway answers an unsigned browser preflight from them, whatever the bucket's ACL. */
const CORS_ROUTE = /^\/v1\/buckets\/[^/]+\/cors$/;

/**
 * Unsigned callers (the gateway's anonymous token) may only read, and only what a public ACL
 * opens: the bucket and its listing when the bucket is public-read, an object when its bucket or
 * the object itself is. A private bucket answers AccessDenied whatever exists in it.
 */
export function anonymousPolicy(pool: Pool) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!res.locals.anonymous) return next();
    if (req.method === 'GET' && CORS_ROUTE.test(req.baseUrl + req.path)) return next();
    const m = req.method === 'GET' ? READ_ROUTE.exec(req.baseUrl + req.path) : null;
    if (!m) return next(new S3Error('AccessDenied'));
    const r = await pool.query<{ acl: string; acl_grants: AclGrant[] | null }>('SELECT acl, acl_grants FROM buckets WHERE org_id = $1 AND name = $2', [
      orgOf(res),
      decodeURIComponent(m[1]!),
    ]);
    const bucketPublic = r.rows[0] !== undefined && isPublicRead(r.rows[0]);
    if (m[2] === '/object' && r.rows[0]) {
      // The object's own ACL may still open it; the route checks once it has the version.
      res.locals.bucketPublic = bucketPublic;
      return next();
    }
    if (!bucketPublic) return next(new S3Error('AccessDenied'));
    next();
  };
}

/** For GET object: an anonymous caller sees the version only if its bucket or its own ACL is public. */
export function assertAnonymousMayRead(res: Response, version: { acl?: string; grants?: AclGrant[] }): void {
  if (res.locals.anonymous && !res.locals.bucketPublic && !isPublicRead(version)) throw new S3Error('AccessDenied');
}
