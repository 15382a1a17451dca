import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { parseKey, parsePutObjectCommit } from '../commit-validation';
import { listObjects, parseListQuery, type ListingCost } from '../listing';
import { deleteObject, getObject, putObject } from '../object-store';
import { listVersions } from '../version-listing';
import { parseAclSetting, setObjectAcl } from '../acl-store';
import { assertAnonymousMayRead } from '../anonymous';
import { bucketParam } from './buckets';
import { objectTagRoutes } from './object-tags';

/** Object versions and listing. Mounted behind requireOrgToken: the org is always the token's. */
export function objectRoutes(pool: Pool, onListed: (cost: ListingCost) => void): Router {
  const router = Router();
  router.use(objectTagRoutes(pool));

  router.post('/v1/buckets/:bucket/objects', async (req, res) => {
    res.locals.operation = 'put_object';
    res.json(await putObject(pool, orgOf(res), bucketParam(req.params.bucket), parsePutObjectCommit(req.body)));
  });

  router.get('/v1/buckets/:bucket/object', async (req, res) => {
    res.locals.operation = 'get_object';
    const { key, versionId } = keyQuery(req);
    let version;
    try {
      version = await getObject(pool, orgOf(res), bucketParam(req.params.bucket), key, versionId);
    } catch (err) {
      // In a private bucket an unsigned caller learns nothing, not even whether the key exists.
      if (res.locals.anonymous && !res.locals.bucketPublic) throw new S3Error('AccessDenied');
      throw err;
    }
    assertAnonymousMayRead(res, version);
    res.json(version);
  });

  router.delete('/v1/buckets/:bucket/object', async (req, res) => {
    res.locals.operation = 'delete_object';
    const { key, versionId } = keyQuery(req);
    res.json(await deleteObject(pool, orgOf(res), bucketParam(req.params.bucket), key, versionId));
  });

  router.get('/v1/buckets/:bucket/list', async (req, res) => {
    res.locals.operation = 'list_objects';
    const cost: ListingCost = { queries: 0, rows: 0 };
    try {
      res.json(await listObjects(pool, orgOf(res), bucketParam(req.params.bucket), parseListQuery(req.query as Record<string, unknown>), cost));
    } finally {
      onListed(cost);
    }
  });

  router.put('/v1/buckets/:bucket/object-acl', async (req, res) => {
    res.locals.operation = 'put_object_acl';
    const { key, versionId } = keyQuery(req);
    await setObjectAcl(pool, orgOf(res), bucketParam(req.params.bucket), key, versionId, parseAclSetting(req.body));
    res.status(204).end();
  });

  router.get('/v1/buckets/:bucket/versions', async (req, res) => {
    res.locals.operation = 'list_versions';
    const q = req.query as Record<string, string | undefined>;
    const maxKeys = Number(q.maxKeys ?? 1000);
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'maxKeys must be a non-negative integer');
    res.json(
      await listVersions(pool, orgOf(res), bucketParam(req.params.bucket), {
        prefix: q.prefix,
        delimiter: q.delimiter,
        keyMarker: q.keyMarker,
        versionIdMarker: q.versionIdMarker,
        maxKeys: Math.min(maxKeys, 1000),
      }),
    );
  });

  return router;
}

function keyQuery(req: Request): { key: string; versionId?: string } {
  const q = req.query as Record<string, unknown>;
  const versionId = q.versionId;
  if (versionId !== undefined && typeof versionId !== 'string') throw new S3Error('InvalidArgument', 'versionId must be given once');
  return { key: parseKey(q.key), versionId: versionId === undefined ? undefined : versionId };
}
