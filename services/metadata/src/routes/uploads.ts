import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import type { ChecksumAlgorithm, CompleteUploadRequest, CreateUploadRequest, UploadPartRecord } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { parseKey } from '../commit-validation';
import { completeUpload } from '../complete-upload';
import { listUploads } from '../upload-listing';
import { abortUpload, createUpload, findUpload, listParts, putPart } from '../upload-store';
import { parseTags } from '../tag-store';
import { bucketParam } from './buckets';

/** Multipart uploads. Mounted behind requireOrgToken: the org is always the token's. */
export function uploadRoutes(pool: Pool): Router {
  const router = Router();
  const base = '/v1/buckets/:bucket/uploads';

  router.post(base, async (req, res) => {
    res.locals.operation = 'create_upload';
    const body = req.body as CreateUploadRequest;
    res.json(await createUpload(pool, orgOf(res), bucketParam(req.params.bucket), { ...body, key: parseKey(body?.key), tags: parseTags(body?.tags) }));
  });

  router.get(base, async (req, res) => {
    res.locals.operation = 'list_uploads';
    const q = req.query as Record<string, string | undefined>;
    res.json(
      await listUploads(pool, orgOf(res), bucketParam(req.params.bucket), {
        prefix: q.prefix,
        delimiter: q.delimiter,
        keyMarker: q.keyMarker,
        uploadIdMarker: q.uploadIdMarker,
        maxUploads: boundedInt(q.maxUploads, 1000),
      }),
    );
  });

  router.get(`${base}/:uploadId`, async (req, res) => {
    res.locals.operation = 'get_upload';
    res.json(await findUpload(pool, orgOf(res), bucketParam(req.params.bucket), keyOf(req), String(req.params.uploadId)));
  });

  router.put(`${base}/:uploadId/parts/:partNumber`, async (req, res) => {
    res.locals.operation = 'put_part';
    const partNumber = Number(req.params.partNumber);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new S3Error('InvalidArgument', 'invalid part number');
    const body = req.body as Omit<UploadPartRecord, 'lastModified'>;
    if (!Number.isSafeInteger(body?.size) || typeof body.etag !== 'string' || typeof body.blob?.blobId !== 'string') throw new S3Error('InvalidArgument', 'invalid part');
    res.json(await putPart(pool, orgOf(res), bucketParam(req.params.bucket), keyOf(req), String(req.params.uploadId), { ...body, partNumber }));
  });

  router.get(`${base}/:uploadId/parts`, async (req, res) => {
    res.locals.operation = 'list_parts';
    const q = req.query as Record<string, string | undefined>;
    res.json(
      await listParts(pool, orgOf(res), bucketParam(req.params.bucket), keyOf(req), String(req.params.uploadId), {
        partNumberMarker: boundedInt(q.partNumberMarker, 0),
        maxParts: boundedInt(q.maxParts, 1000),
      }),
    );
  });

  router.post(`${base}/:uploadId/complete`, async (req, res) => {
    res.locals.operation = 'complete_upload';
    res.json(await completeUpload(pool, orgOf(res), bucketParam(req.params.bucket), keyOf(req), String(req.params.uploadId), parseComplete(req.body)));
  });

  router.delete(`${base}/:uploadId`, async (req, res) => {
    res.locals.operation = 'abort_upload';
    await abortUpload(pool, orgOf(res), bucketParam(req.params.bucket), keyOf(req), String(req.params.uploadId));
    res.status(204).end();
  });

  return router;
}

function keyOf(req: Request): string {
  return parseKey((req.query as Record<string, unknown>).key);
}

function boundedInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new S3Error('InvalidArgument', `invalid integer ${JSON.stringify(raw)}`);
  return n;
}

function parseComplete(body: unknown): CompleteUploadRequest {
  const b = body as CompleteUploadRequest;
  if (!Array.isArray(b?.parts)) throw new S3Error('MalformedXML');
  const parts = b.parts.map((p) => {
    if (!Number.isInteger(p?.partNumber) || typeof p.etag !== 'string') throw new S3Error('MalformedXML');
    return { partNumber: p.partNumber, etag: p.etag, checksums: (p.checksums ?? {}) as Partial<Record<ChecksumAlgorithm, string>> };
  });
  return { parts, checksums: b.checksums ?? undefined, ifMatch: b.ifMatch ?? undefined, ifNoneMatch: b.ifNoneMatch ?? undefined };
}
