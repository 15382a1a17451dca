import { Router } from 'express';
import type { Pool } from 'pg';
import { orgOf } from '@excloud/service-kit';
import { getBucketCors, parseCorsRules, setBucketCors } from '../cors-store';
import { bucketParam } from './buckets';

/**
 * Bucket CORS rules. GET is also open to the gateway's anonymous token (see anonymous.ts): a
 * browser preflight is unsigned, and the gateway must evaluate the rules to answer it. The rules
 * never reach an anonymous client; only the preflight verdict does.
 */
export function bucketCorsRoutes(pool: Pool): Router {
  const router = Router();
  const path = '/v1/buckets/:bucket/cors';

  router.get(path, async (req, res) => {
    res.locals.operation = 'get_bucket_cors';
    res.json({ rules: await getBucketCors(pool, orgOf(res), bucketParam(req.params.bucket)) });
  });

  router.put(path, async (req, res) => {
    res.locals.operation = 'put_bucket_cors';
    const rules = parseCorsRules((req.body as { rules?: unknown } | undefined)?.rules);
    await setBucketCors(pool, orgOf(res), bucketParam(req.params.bucket), rules);
    res.status(204).end();
  });

  router.delete(path, async (req, res) => {
    res.locals.operation = 'delete_bucket_cors';
    await setBucketCors(pool, orgOf(res), bucketParam(req.params.bucket), null);
    res.status(204).end();
  });

  return router;
}
