import { timingSafeEqual, createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import type { AuthConfig } from './config';
import { createAccessKey, deleteAccessKey, listAccessKeys, setAccessKeyStatus } from './store';

/** Key management for operators, behind AUTH_ADMIN_TOKEN. Off when no token is configured. */
export function adminRoutes(pool: Pool, config: AuthConfig): Router {
  const r = Router();
  r.use(requireAdmin(config.adminToken));
  // Creating, listing and suspending orgs and their API tokens: control/operator-routes.ts.
  r.post('/orgs/:orgId/keys', async (req, res) => {
    res.locals.operation = 'admin_create_key';
    res.status(201).json(await createAccessKey(pool, config, String(req.params.orgId)));
  });
  r.get('/orgs/:orgId/keys', async (req, res) => {
    res.locals.operation = 'admin_list_keys';
    res.json(await listAccessKeys(pool, String(req.params.orgId)));
  });
  r.patch('/keys/:accessKeyId', async (req, res) => {
    res.locals.operation = 'admin_update_key';
    const status = (req.body ?? {}).status;
    if (status !== 'active' && status !== 'inactive') throw new S3Error('InvalidArgument', 'status must be active or inactive');
    if (!(await setAccessKeyStatus(pool, String(req.params.accessKeyId), status))) throw new S3Error('InvalidAccessKeyId');
    res.status(204).end();
  });
  r.delete('/keys/:accessKeyId', async (req, res) => {
    res.locals.operation = 'admin_delete_key';
    if (!(await deleteAccessKey(pool, String(req.params.accessKeyId)))) throw new S3Error('InvalidAccessKeyId');
    res.status(204).end();
  });
  return r;
}

function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests so the comparison is constant-time whatever the lengths.
    if (!expected || !timingSafeEqual(expected, digest(given))) return next(new S3Error('AccessDenied', 'admin token required'));
    next();
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
