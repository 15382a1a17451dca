import { CHECKSUM_ALGORITHMS, checksumHeaderName, checksumXmlFields, checksumsFromXmlFields, header, type Checksums } from '@excloud/contracts';
import { S3Error, parseXml, renderDocument, writeResponseHeaders } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { readSmallBody } from '../upload-body';

/**
 * Complete is metadata-only: metadata checks the listed parts against what was uploaded and
 * publishes a manifest of the part blobs in one transaction (no byte is copied).
 */
export async function completeMultipartUpload(ctx: OperationContext<'CompleteMultipartUpload'>): Promise<S3Result> {
  const { bucket, key, uploadId } = ctx.operation;
  const body = await readSmallBody(ctx.req, ctx.caller, 4 * 1024 * 1024);
  const parts = parseCompleteRequest(body.toString('utf8'));
  const version = await ctx.services.metadata.completeUpload(
    ctx.caller.token,
    bucket,
    key,
    uploadId,
    { parts, checksums: wholeObjectChecksums(ctx), ifMatch: header(ctx.req, 'if-match'), ifNoneMatch: header(ctx.req, 'if-none-match') },
    ctx.requestId,
  );
  const host = header(ctx.req, 'host') ?? 'localhost';
  return {
    headers: writeResponseHeaders({ versionId: version.versionId }),
    xml: renderDocument('CompleteMultipartUploadResult', {
      Location: `http://${host}/${bucket}/${encodeURI(key)}`,
      Bucket: bucket,
      Key: key,
      ETag: version.etag,
      ...checksumXmlFields(version.checksums),
      ChecksumType: checksumTypeOf(version.checksums),
    }),
  };
}

function wholeObjectChecksums(ctx: OperationContext): Checksums {
  const out: Checksums = {};
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = header(ctx.req, checksumHeaderName(alg));
    if (value !== undefined) out[alg] = value.trim();
  }
  return out;
}

/** Composite checksums carry their part count (`…-N`); a full-object CRC does not. */
export function checksumTypeOf(checksums: Checksums): 'COMPOSITE' | 'FULL_OBJECT' | undefined {
  const values = Object.values(checksums);
  if (values.length === 0) return undefined;
  return values.some((v) => /-\d+$/.test(v ?? '')) ? 'COMPOSITE' : 'FULL_OBJECT';
}

export function parseCompleteRequest(text: string) {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(text);
  } catch {
    throw new S3Error('MalformedXML');
  }
  const root = doc.CompleteMultipartUpload as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const list = root.Part === undefined ? [] : Array.isArray(root.Part) ? root.Part : [root.Part];
  if (list.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  return list.map((raw) => {
    const p = raw as Record<string, unknown>;
    const n = typeof p?.PartNumber === 'string' ? p.PartNumber.trim() : '';
    if (!/^\d{1,5}$/.test(n) || typeof p.ETag !== 'string') throw new S3Error('MalformedXML');
    return { partNumber: Number(n), etag: p.ETag.trim(), checksums: checksumsFromXmlFields(p) };
  });
}
