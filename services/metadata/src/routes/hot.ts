import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import type { OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { bearerOf, readJsonBody, sendJson, type HotRoute, type TokenVerifier } from '@excloud/service-kit';
import { parseKey, parsePutObjectCommit } from '../commit-validation';
import { deleteObject, getObject, putObject } from '../object-store';
import { bucketParam } from './buckets';

/** Manifests of large multipart objects run to thousands of parts. */
const MAX_COMMIT_BYTES = 16 * 1024 * 1024;

const OBJECT_PATH = /^\/v1\/buckets\/([^/?]+)\/(objects|object)(?:\?(.*))?$/;

/**
 * The calls every object request makes — commit a version, read a version, delete — served
 * without Express. Signed-in callers only: an anonymous token falls through to the Express routes, where
 * the public-ACL policy lives (a rare path, not worth a second copy).
 */
export function hotObjectRoutes(pool: Pool, verifier: TokenVerifier): (req: IncomingMessage) => HotRoute | undefined {
  const commit: HotRoute = {
    operation: 'put_object',
    async handle({ req, res }) {
      const orgId = await signedInOrg(verifier, req);
      const bucket = bucketFromPath(OBJECT_PATH.exec(req.url!)![1]!);
      const version = await putObject(pool, orgId, bucket, parsePutObjectCommit(await readJsonBody(req, MAX_COMMIT_BYTES)));
      sendJson(res, 200, version);
    },
  };
  const read: HotRoute = {
    operation: 'get_object',
    async handle({ req, res, fallback }) {
      const caller = await verifyCaller(verifier, req);
      if (caller.anonymous) return fallback();
      const { bucket, key, versionId } = objectTarget(req.url!);
      sendJson(res, 200, await getObject(pool, caller.orgId, bucket, key, versionId));
    },
  };
  const remove: HotRoute = {
    operation: 'delete_object',
    async handle({ req, res }) {
      const orgId = await signedInOrg(verifier, req);
      const { bucket, key, versionId } = objectTarget(req.url!);
      sendJson(res, 200, await deleteObject(pool, orgId, bucket, key, versionId));
    },
  };
  return (req) => {
    const m = req.url ? OBJECT_PATH.exec(req.url) : null;
    if (!m) return undefined;
    if (m[2] === 'objects') return req.method === 'POST' ? commit : undefined;
    if (req.method === 'GET') return read;
    return req.method === 'DELETE' ? remove : undefined;
  };
}

/** `/v1/buckets/:bucket/object?key=…[&versionId=…]`, as the Express routes read it. */
function objectTarget(url: string): { bucket: string; key: string; versionId: string | undefined } {
  const m = OBJECT_PATH.exec(url)!;
  const query = new URLSearchParams(m[3] ?? '');
  const versionId = query.getAll('versionId');
  if (versionId.length > 1) throw new S3Error('InvalidArgument', 'versionId must be given once');
  return { bucket: bucketFromPath(m[1]!), key: parseKey(query.get('key') ?? undefined), versionId: versionId[0] };
}

async function verifyCaller(verifier: TokenVerifier, req: IncomingMessage): Promise<{ orgId: OrgId; anonymous: boolean }> {
  const token = bearerOf(req.headers);
  if (!token) throw new S3Error('AccessDenied', 'missing internal token');
  try {
    return await verifier.verifyCaller(token);
  } catch {
    throw new S3Error('AccessDenied', 'invalid internal token');
  }
}

async function signedInOrg(verifier: TokenVerifier, req: IncomingMessage): Promise<OrgId> {
  const caller = await verifyCaller(verifier, req);
  // Unsigned callers never write.
  if (caller.anonymous) throw new S3Error('AccessDenied');
  return caller.orgId;
}

function bucketFromPath(segment: string): string {
  try {
    return bucketParam(decodeURIComponent(segment));
  } catch {
    throw new S3Error('InvalidBucketName');
  }
}
