import { Router } from 'express';
import { isValidBucketName } from '@excloud/contracts';
import { controlOrgOf } from './access';
import { ControlError } from './errors';
import type { OrgData } from './org-data';
import { jsonBody, optionalBoolean, requiredBoolean } from './validate';
import { bucketView } from './views';

/**
 * /v1/orgs/me/buckets: the org's buckets, written only by metadata. `is_public` is the bucket's
 * canned ACL (public-read or private), so S3 GetBucketAcl, anonymous reads and this API agree.
 */
export function bucketRoutes(data: OrgData): Router {
  const r = Router();
  const token = async (res: Parameters<typeof controlOrgOf>[0]) => data.tokenFor(controlOrgOf(res));
  const rid = (res: { locals: Record<string, unknown> }) => res.locals.requestId as string | undefined;

  r.get('/', async (_req, res) => {
    res.locals.operation = 'control_list_buckets';
    const buckets = await data.metadata.listBuckets(await token(res), rid(res));
    res.json({ buckets: buckets.map(bucketView) });
  });

  r.post('/', async (req, res) => {
    res.locals.operation = 'control_create_bucket';
    const body = jsonBody(req.body, ['name', 'is_public']);
    const name = bucketName(body.name);
    const isPublic = optionalBoolean(body.is_public, 'is_public') ?? false;
    const bucket = await data.metadata.createBucket(await token(res), name, { acl: isPublic ? 'public-read' : 'private' }, rid(res));
    res.status(201).json(bucketView(bucket));
  });

  r.get('/:bucket', async (req, res) => {
    res.locals.operation = 'control_get_bucket';
    res.json(bucketView(await data.metadata.getBucket(await token(res), bucketName(req.params.bucket), rid(res))));
  });

  r.patch('/:bucket', async (req, res) => {
    res.locals.operation = 'control_update_bucket';
    const name = bucketName(req.params.bucket);
    const isPublic = requiredBoolean(jsonBody(req.body, ['is_public']).is_public, 'is_public');
    const t = await token(res);
    await data.metadata.putBucketAcl(t, name, { acl: isPublic ? 'public-read' : 'private' }, rid(res));
    res.json(bucketView(await data.metadata.getBucket(t, name, rid(res))));
  });

  r.delete('/:bucket', async (req, res) => {
    res.locals.operation = 'control_delete_bucket';
    await data.metadata.deleteBucket(await token(res), bucketName(req.params.bucket), rid(res));
    res.status(204).end();
  });
  return r;
}

function bucketName(value: unknown): string {
  if (typeof value !== 'string' || !isValidBucketName(value)) {
    throw new ControlError('invalid_request', `invalid bucket name ${JSON.stringify(String(value ?? '')).slice(0, 70)}: 3-63 characters of a-z, 0-9, '.' and '-'`);
  }
  return value;
}
