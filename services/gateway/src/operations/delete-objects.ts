import { createHash } from 'node:crypto';
import { S3Error, isS3Error, parseXml, renderDocument, type S3Documents } from '@excloud/s3-protocol';
import { createChecksum } from '@excloud/sigv4';
import type { OperationContext, S3Result } from '../context';
import { CHECKSUM_ALGORITHMS, checksumHeaderName, header } from '@excloud/contracts';
import { readSmallBody } from '../upload-body';
import { assertValidKey } from '../validation';

const MAX_OBJECTS = 1000;
const PARALLEL_DELETES = 16;

interface DeleteTarget {
  key: string;
  versionId?: string;
}

/**
 * DeleteObjects: each key is deleted on its own, and a failure is reported for that key only.
 * The body must carry an integrity check: Content-MD5, or an x-amz-checksum-* header, which is
 * all that SDKs released since January 2025 send.
 */
export async function deleteObjects(ctx: OperationContext<'DeleteObjects'>): Promise<S3Result> {
  const { bucket } = ctx.operation;
  const body = await readSmallBody(ctx.req, ctx.caller, 2 * 1024 * 1024);
  verifyIntegrity(ctx, body);
  const { targets, quiet } = parseDeleteRequest(body.toString('utf8'));
  await ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId);

  type Result = S3Documents['DeleteResult'];
  const deleted: Result['Deleted'] = [];
  const errors: Result['Error'] = [];
  const results = new Array<Result['Deleted'][number] | undefined>(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      try {
        assertValidKey(target.key);
        const r = await ctx.services.metadata.deleteObject(ctx.caller.token, bucket, target.key, target.versionId, ctx.requestId);
        results[i] = {
          Key: target.key,
          VersionId: target.versionId,
          DeleteMarker: r.deleteMarker ? true : undefined,
          DeleteMarkerVersionId: r.deleteMarker && !target.versionId ? r.versionId : undefined,
        };
      } catch (err) {
        if (!isS3Error(err) || err.status >= 500) throw err;
        errors.push({ Key: target.key, VersionId: target.versionId, Code: err.code, Message: err.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DELETES, targets.length) }, worker));
  if (!quiet) for (const r of results) if (r) deleted.push(r);
  return { xml: renderDocument('DeleteResult', { Deleted: deleted, Error: errors }) };
}

function verifyIntegrity(ctx: OperationContext, body: Buffer): void {
  const md5 = header(ctx.req, 'content-md5');
  let checked = false;
  if (md5 !== undefined) {
    if (createHash('md5').update(body).digest('base64') !== md5.trim()) throw new S3Error('BadDigest');
    checked = true;
  }
  for (const alg of CHECKSUM_ALGORITHMS) {
    const expected = header(ctx.req, checksumHeaderName(alg));
    if (expected === undefined) continue;
    const sum = createChecksum(alg);
    sum.update(body);
    if (sum.digestBase64() !== expected.trim()) throw new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    checked = true;
  }
  // Trailing checksums were verified by the chunked decoder while the body streamed.
  if (header(ctx.req, 'x-amz-trailer')?.startsWith('x-amz-checksum-')) checked = true;
  if (!checked) throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
}

export function parseDeleteRequest(text: string): { targets: DeleteTarget[]; quiet: boolean } {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(text);
  } catch {
    throw new S3Error('MalformedXML');
  }
  const root = doc.Delete as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const objects = root.Object === undefined ? [] : Array.isArray(root.Object) ? root.Object : [root.Object];
  if (objects.length === 0 || objects.length > MAX_OBJECTS) throw new S3Error('MalformedXML');
  const targets = objects.map((o): DeleteTarget => {
    const obj = o as Record<string, unknown>;
    if (typeof obj?.Key !== 'string') throw new S3Error('MalformedXML');
    const versionId = typeof obj.VersionId === 'string' && obj.VersionId !== '' ? obj.VersionId : undefined;
    return { key: obj.Key, versionId };
  });
  return { targets, quiet: String(root.Quiet ?? '').trim().toLowerCase() === 'true' };
}
