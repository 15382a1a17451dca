import { Router } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { isValidOrgId, type OrgUsageReport } from '@excloud/contracts';
import { getUsageHourly, parseRequestUsage, recordRequestUsage, rollupStorage } from '../usage-hourly';
import { reconcileUsage } from '../usage-reconcile';
import { getBucketUsage, getOrgQuota, getOrgUsage, setOrgQuota, type OrgQuota } from '../usage-store';

/**
 * Usage metering routes, self-contained so they move as one piece when internal routes are
 * reworked.
 *
 * `POST /v1/usage` — a gateway's batched counters for the org its internal token names (signed or
 * anonymous: both are minted by auth for the gateway only, and public-bucket egress is billed to
 * the bucket's org). Body: `{ $version: 1, hours: [{ hour, classA, classB, ingressBytes,
 * egressBytes }] }`, hour = start of a UTC hour within the last day. Answers 204. Once callers
 * carry a service credential this becomes one batched request per flush for all orgs.
 */
export function usageReportRoutes(pool: Pool): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    res.locals.operation = 'report_usage';
    await recordRequestUsage(pool, orgOf(res), parseRequestUsage(req.body));
    res.status(204).end();
  });
  // The control API's reads (auth calls with the org's own token; never an anonymous one).
  router.get('/', async (_req, res) => {
    res.locals.operation = 'org_usage';
    if (res.locals.anonymous) throw new S3Error('AccessDenied');
    const orgId = orgOf(res);
    const [total, buckets, quotas] = await Promise.all([getOrgUsage(pool, orgId), getBucketUsage(pool, orgId), getOrgQuota(pool, orgId)]);
    const report: OrgUsageReport = { total, buckets: buckets.map((b) => ({ name: b.bucket, objects: b.objects, bytes: b.bytes })), quotas };
    res.json(report);
  });
  router.get('/hourly', async (req, res) => {
    res.locals.operation = 'org_usage_hourly';
    if (res.locals.anonymous) throw new S3Error('AccessDenied');
    res.json({ hours: await getUsageHourly(pool, orgOf(res), instant(req.query.from, 'from'), instant(req.query.to, 'to')) });
  });
  return router;
}

function instant(v: unknown, name: string): Date {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new S3Error('InvalidArgument', `${name} must be an ISO 8601 time`);
  return d;
}

/**
 * The janitor's usage jobs (system token), one page of orgs per call; `nextAfter` is the cursor
 * for the next page, null at the end.
 * `POST /v1/system/usage/rollup` `{ afterOrgId?, limit? }` → `{ rolled, nextAfter }`
 * `POST /v1/system/usage/reconcile` `{ afterOrgId?, limit?, correct? }` → `{ checked, drift, nextAfter }`
 */
export function usageSystemRoutes(pool: Pool): Router {
  const router = Router();
  router.post('/rollup', async (req, res) => {
    res.locals.operation = 'system_usage_rollup';
    const b = (req.body ?? {}) as Record<string, unknown>;
    res.json(await rollupStorage(pool, { afterOrgId: cursor(b.afterOrgId), limit: limit(b.limit) }));
  });
  // Quotas are an operator's setting: only the system token (auth's control API) reads or sets them.
  router.get('/quotas/:orgId', async (req, res) => {
    res.locals.operation = 'system_get_quota';
    res.json(await getOrgQuota(pool, orgParam(req.params.orgId)));
  });
  router.put('/quotas/:orgId', async (req, res) => {
    res.locals.operation = 'system_set_quota';
    res.json(await setOrgQuota(pool, orgParam(req.params.orgId), (req.body ?? {}) as Partial<OrgQuota>));
  });
  router.post('/reconcile', async (req, res) => {
    res.locals.operation = 'system_usage_reconcile';
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.correct !== undefined && typeof b.correct !== 'boolean') throw new S3Error('InvalidArgument', 'correct must be a boolean');
    res.json(await reconcileUsage(pool, { afterOrgId: cursor(b.afterOrgId), limit: limit(b.limit), correct: b.correct === true }));
  });
  return router;
}

function orgParam(v: unknown): string {
  if (typeof v !== 'string' || !isValidOrgId(v)) throw new S3Error('InvalidArgument', 'not an org id');
  return v;
}

function cursor(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 255) throw new S3Error('InvalidArgument', 'afterOrgId must be an org id');
  return v;
}

function limit(v: unknown): number {
  if (v === undefined) return 500;
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > 5000) throw new S3Error('InvalidArgument', 'limit must be 1 to 5000');
  return v as number;
}
