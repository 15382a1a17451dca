import { Router, type Response } from 'express';
import type { Pool } from 'pg';
import type { AuthConfig } from '../config';
import { createAccessKey, deleteAccessKey, findOrg, listAccessKeys, setAccessKeyStatus } from '../store';
import { controlOrgOf } from './access';
import { ControlError } from './errors';
import type { OrgData } from './org-data';
import { createOrgToken, listOrgTokens, revokeOrgToken } from './org-tokens';
import { accessKeyIdParam, hourRange, jsonBody, optionalName, tokenIdParam } from './validate';
import { hourlyView, keyView, orgView, quotaView, tokenView, usageView } from './views';

/**
 * /v1/orgs/me/…: what an org API token may do, always to its own org. No route takes an org id:
 * the org comes from the token, and another org's key or token id reads as not found.
 */
export function orgRoutes(pool: Pool, config: AuthConfig, data: OrgData): Router {
  const r = Router();
  const rid = (res: Response) => res.locals.requestId as string | undefined;

  r.get('/', async (_req, res) => {
    res.locals.operation = 'control_me';
    const orgId = controlOrgOf(res);
    const org = await findOrg(pool, orgId);
    if (!org) throw new ControlError('not_found', 'the org of this token no longer exists');
    const usage = await data.usage(orgId, rid(res));
    res.json({ ...orgView(org, config.s3EndpointTemplate), usage: usage.total, quotas: quotaView(usage.quotas) });
  });

  r.get('/usage', async (_req, res) => {
    res.locals.operation = 'control_usage';
    const orgId = controlOrgOf(res);
    res.json(usageView(orgId, await data.usage(orgId, rid(res))));
  });

  // Metered usage for billing, per UTC hour (filled by the gateways' counters and the janitor).
  r.get('/usage/hourly', async (req, res) => {
    res.locals.operation = 'control_usage_hourly';
    const orgId = controlOrgOf(res);
    const { from, to } = hourRange(req.query as Record<string, unknown>);
    res.json(hourlyView(orgId, await data.hourly(orgId, from, to, rid(res))));
  });

  r.get('/tokens', async (_req, res) => {
    res.locals.operation = 'control_list_tokens';
    res.json({ tokens: (await listOrgTokens(pool, controlOrgOf(res))).map(tokenView) });
  });

  r.post('/tokens', async (req, res) => {
    res.locals.operation = 'control_create_token';
    const name = optionalName(jsonBody(req.body, ['name']).name) ?? 'api';
    const created = await createOrgToken(pool, controlOrgOf(res), { name, createdBy: String(res.locals.tokenId) });
    res.status(201).json({ ...tokenView(created), token: created.token });
  });

  r.delete('/tokens/:tokenId', async (req, res) => {
    res.locals.operation = 'control_revoke_token';
    if (!(await revokeOrgToken(pool, controlOrgOf(res), tokenIdParam(req.params.tokenId)))) throw new ControlError('not_found', 'no such token in this org');
    res.status(204).end();
  });

  r.get('/keys', async (_req, res) => {
    res.locals.operation = 'control_list_keys';
    res.json({ keys: (await listAccessKeys(pool, controlOrgOf(res))).map(keyView) });
  });

  r.post('/keys', async (req, res) => {
    res.locals.operation = 'control_create_key';
    const name = optionalName(jsonBody(req.body, ['name']).name);
    const key = await createAccessKey(pool, config, controlOrgOf(res), { name });
    // The only time the secret leaves auth in clear.
    res.status(201).json({ ...keyView(key), secret_access_key: key.secretAccessKey });
  });

  r.patch('/keys/:accessKeyId', async (req, res) => {
    res.locals.operation = 'control_update_key';
    const id = accessKeyIdParam(req.params.accessKeyId);
    const status = jsonBody(req.body, ['status']).status;
    if (status !== 'active' && status !== 'inactive') throw new ControlError('invalid_request', 'status must be "active" or "inactive"');
    const key = await setAccessKeyStatus(pool, id, status, controlOrgOf(res));
    if (!key) throw noSuchKey(id);
    res.json(keyView(key));
  });

  r.delete('/keys/:accessKeyId', async (req, res) => {
    res.locals.operation = 'control_delete_key';
    const id = accessKeyIdParam(req.params.accessKeyId);
    if (!(await deleteAccessKey(pool, id, controlOrgOf(res)))) throw noSuchKey(id);
    res.status(204).end();
  });
  return r;
}

const noSuchKey = (id: string) => new ControlError('not_found', `no access key ${id} in this org`);
