import { Router } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { createBucket, deleteBucket, getBucket, listBuckets, setBucketVersioning } from '../bucket-store';
import { parseAclSetting, setBucketAcl } from '../acl-store';
import { bucketCorsRoutes } from './bucket-cors';

/** Bucket CRUD and versioning. Mounted behind requireOrgToken: the org is always the token's. */
export function bucketRoutes(pool: Pool): Router {
  const router = Router();
  router.use(bucketCorsRoutes(pool));

  router.get('/v1/buckets', async (_req, res) => {
    res.locals.operation = 'list_buckets';
    res.json(await listBuckets(pool, orgOf(res)));
  });

  router.put('/v1/buckets/:bucket', async (req, res) => {
    res.locals.operation = 'create_bucket';
    const acl = (req.body as { acl?: unknown } | undefined)?.acl ?? 'private';
    if (typeof acl !== 'string' || acl.length === 0 || acl.length > 64) throw new S3Error('InvalidArgument', 'acl must be a canned ACL name');
    res.json(await createBucket(pool, orgOf(res), bucketParam(req.params.bucket), acl));
  });

  router.get('/v1/buckets/:bucket', async (req, res) => {
    res.locals.operation = 'get_bucket';
    res.json(await getBucket(pool, orgOf(res), bucketParam(req.params.bucket)));
  });

  router.put('/v1/buckets/:bucket/acl', async (req, res) => {
    res.locals.operation = 'put_bucket_acl';
    await setBucketAcl(pool, orgOf(res), bucketParam(req.params.bucket), parseAclSetting(req.body));
    res.status(204).end();
  });

  router.delete('/v1/buckets/:bucket', async (req, res) => {
    res.locals.operation = 'delete_bucket';
    await deleteBucket(pool, orgOf(res), bucketParam(req.params.bucket));
    res.status(204).end();
  });

  router.put('/v1/buckets/:bucket/versioning', async (req, res) => {
    res.locals.operation = 'put_bucket_versioning';
    const status = (req.body as { status?: unknown } | undefined)?.status;
    if (status !== 'Enabled' && status !== 'Suspended') throw new S3Error('InvalidArgument', 'status must be Enabled or Suspended');
    await setBucketVersioning(pool, orgOf(res), bucketParam(req.params.bucket), status);
    res.status(204).end();
  });

  return router;
}

export function bucketParam(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw new S3Error('InvalidBucketName');
  return value;
}
