import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { parseKey } from '../commit-validation';
import { getObjectTags, parseTags, setObjectTags } from '../tag-store';
import { bucketParam } from './buckets';

/** Object tags of one version. Owner-only: the anonymous policy never lets an unsigned caller here. */
export function objectTagRoutes(pool: Pool): Router {
  const router = Router();
  const path = '/v1/buckets/:bucket/object-tags';

  router.get(path, async (req, res) => {
    res.locals.operation = 'get_object_tags';
    const { key, versionId } = keyQuery(req);
    res.json(await getObjectTags(pool, orgOf(res), bucketParam(req.params.bucket), key, versionId));
  });

  router.put(path, async (req, res) => {
    res.locals.operation = 'put_object_tags';
    const { key, versionId } = keyQuery(req);
    const tags = parseTags((req.body as { tags?: unknown } | undefined)?.tags) ?? [];
    res.json(await setObjectTags(pool, orgOf(res), bucketParam(req.params.bucket), key, versionId, tags));
  });

  return router;
}

function keyQuery(req: Request): { key: string; versionId?: string } {
  const q = req.query as Record<string, unknown>;
  if (q.versionId !== undefined && typeof q.versionId !== 'string') throw new S3Error('InvalidArgument', 'versionId must be given once');
  return { key: parseKey(q.key), versionId: q.versionId as string | undefined };
}
