import express, { Router } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '@excloud/service-kit';
import type { AuthConfig } from '../config';
import type { TokenIssuer } from '../tokens';
import { requireOperator, requireOrgApiToken } from './access';
import { bucketRoutes } from './bucket-routes';
import { ControlError, controlErrorHandler } from './errors';
import { OrgData } from './org-data';
import { operatorRoutes } from './operator-routes';
import { orgRoutes } from './org-routes';

/**
 * The control plane: JSON over HTTP under /v1, for operators (/v1/admin/orgs…, AUTH_ADMIN_TOKEN)
 * and for orgs (/v1/orgs/me…, an org API token). Mounted ahead of the internal routes; anything
 * else under /v1 falls through to them. Errors are `{ error: { code, message } }` (errors.ts).
 */
export function controlRoutes(deps: { pool: Pool; config: AuthConfig; issuer: TokenIssuer; logger: Logger }): Router {
  const { pool, config, logger } = deps;
  const data = new OrgData(config.metadataUrl, deps.issuer);
  const r = Router();
  const json = express.json({ limit: '16kb' });

  const me = Router();
  me.use(json, requireOrgApiToken(pool));
  me.use('/buckets', bucketRoutes(data));
  me.use(orgRoutes(pool, config, data));
  me.use((req, _res, next) => next(new ControlError('not_found', `no route ${req.method} /v1/orgs/me${req.path}`)));
  me.use(controlErrorHandler(logger));
  r.use('/v1/orgs/me', me);

  // Only the org routes are this router's; the older key routes under /v1/admin stay in admin-routes.
  const operator = Router();
  operator.use(json, requireOperator(config.adminToken));
  operator.use(operatorRoutes(pool, config, data));
  operator.use(controlErrorHandler(logger));
  r.use('/v1/admin/orgs', operator);
  return r;
}
