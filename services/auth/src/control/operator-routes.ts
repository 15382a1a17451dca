import { Router } from 'express';
import type { Pool } from 'pg';
import { isValidOrgId, asOrgId, type OrgId } from '@excloud/contracts';
import type { AuthConfig } from '../config';
import { createOrg, findOrg, listOrgs, setOrgStatus } from '../store';
import { ControlError } from './errors';
import type { OrgData } from './org-data';
import { createOrgToken } from './org-tokens';
import { hourRange, jsonBody, optionalName, quotaBody } from './validate';
import { hourlyView, orgView, quotaView, tokenView, usageView } from './views';

/** /v1/admin/orgs…: the operator's view of every org, behind AUTH_ADMIN_TOKEN. */
export function operatorRoutes(pool: Pool, config: AuthConfig, data: OrgData): Router {
  const r = Router();
  const view = (org: Parameters<typeof orgView>[0]) => orgView(org, config.s3EndpointTemplate);
  const existing = async (value: unknown) => {
    const org = await findOrg(pool, orgIdParam(value));
    if (!org) throw new ControlError('not_found', `no org ${String(value)}`);
    return org;
  };

  r.get('/', async (_req, res) => {
    res.locals.operation = 'operator_list_orgs';
    res.json({ orgs: (await listOrgs(pool)).map(view) });
  });

  r.post('/', async (req, res) => {
    res.locals.operation = 'operator_create_org';
    const body = jsonBody(req.body, ['id', 'name']);
    const id = orgIdParam(body.id);
    const name = optionalName(body.name);
    if (await findOrg(pool, id)) throw new ControlError('conflict', `org ${id} already exists`);
    res.status(201).json(view(await createOrg(pool, { id, name })));
  });

  r.get('/:orgId', async (req, res) => {
    res.locals.operation = 'operator_get_org';
    res.json(view(await existing(req.params.orgId)));
  });

  for (const action of ['suspend', 'resume'] as const) {
    r.post(`/:orgId/${action}`, async (req, res) => {
      res.locals.operation = `operator_${action}_org`;
      const orgId = orgIdParam(req.params.orgId);
      // Pushed to the gateways by the trigger of migration 002: keys are refused within seconds.
      if (!(await setOrgStatus(pool, orgId, action === 'suspend' ? 'suspended' : 'active'))) throw new ControlError('not_found', `no org ${orgId}`);
      res.json(view((await findOrg(pool, orgId))!));
    });
  }

  r.get('/:orgId/usage', async (req, res) => {
    res.locals.operation = 'operator_org_usage';
    const org = await existing(req.params.orgId);
    res.json(usageView(org.id, await data.usage(org.id, res.locals.requestId as string)));
  });

  r.get('/:orgId/usage/hourly', async (req, res) => {
    res.locals.operation = 'operator_org_usage_hourly';
    const org = await existing(req.params.orgId);
    const { from, to } = hourRange(req.query as Record<string, unknown>);
    res.json(hourlyView(org.id, await data.hourly(org.id, from, to, res.locals.requestId as string)));
  });

  r.get('/:orgId/quotas', async (req, res) => {
    res.locals.operation = 'operator_get_quotas';
    const org = await existing(req.params.orgId);
    res.json({ org_id: org.id, quotas: quotaView((await data.usage(org.id, res.locals.requestId as string)).quotas) });
  });

  // Enforced by metadata on PutObject, CopyObject, CompleteMultipartUpload and CreateBucket.
  r.put('/:orgId/quotas', async (req, res) => {
    res.locals.operation = 'operator_set_quotas';
    const org = await existing(req.params.orgId);
    const quotas = await data.setQuotas(org.id, quotaBody(req.body), res.locals.requestId as string);
    res.json({ org_id: org.id, quotas: quotaView(quotas) });
  });

  r.post('/:orgId/tokens', async (req, res) => {
    res.locals.operation = 'operator_create_org_token';
    const org = await existing(req.params.orgId);
    const name = optionalName(jsonBody(req.body, ['name']).name) ?? 'operator';
    const created = await createOrgToken(pool, org.id, { name, createdBy: 'operator' });
    res.status(201).json({ org_id: org.id, ...tokenView(created), token: created.token });
  });
  return r;
}

function orgIdParam(value: unknown): OrgId {
  if (typeof value !== 'string' || !isValidOrgId(value)) {
    throw new ControlError('invalid_request', 'org id must be 3-63 characters of a-z, 0-9 and hyphens, starting and ending alphanumeric');
  }
  return asOrgId(value);
}
