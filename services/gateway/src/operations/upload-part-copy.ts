import { checksumXmlFields, header } from '@excloud/contracts';
import { S3Error, renderDocument, writeResponseHeaders } from '@excloud/s3-protocol';
import { commitBlob } from '../blob-commit';
import type { OperationContext, S3Result } from '../context';
import { evaluateCopySourceConditions } from '../copy-source';
import { MAX_PART_BYTES } from '../multipart-params';
import { streamObject } from '../object-stream';
import { recordPart } from './upload-part';

/** A part made of (a range of) an existing object: streamed through, re-encrypted as a new blob. */
export async function uploadPartCopy(ctx: OperationContext<'UploadPartCopy'>): Promise<S3Result> {
  const { bucket, key, uploadId, source } = ctx.operation;
  const upload = await ctx.services.metadata.getUpload(ctx.caller.token, bucket, key, uploadId, ctx.requestId);
  const src = await ctx.services.metadata.getObject(ctx.caller.token, source.bucket, source.key, source.versionId, ctx.requestId);
  evaluateCopySourceConditions(ctx.req, src);
  const range = parseCopySourceRange(header(ctx.req, 'x-amz-copy-source-range'), src.size);
  const length = range ? range.end - range.start + 1 : src.size;
  if (length > MAX_PART_BYTES) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');

  const part = await commitBlob(
    ctx,
    () => {
      const body = streamObject({ blob: ctx.services.blob, orgId: ctx.caller.orgId, manifest: src.manifest, range: range ?? { start: 0, end: src.size - 1 }, requestId: ctx.requestId });
      return ctx.services.blob.put(ctx.caller.orgId, body, { checksums: upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [], contentLength: length, requestId: ctx.requestId });
    },
    (stored) => recordPart(ctx, stored, stored.checksums),
  );
  return {
    headers: writeResponseHeaders({ copySourceVersionId: src.versionId }),
    xml: renderDocument('CopyPartResult', { LastModified: part.lastModified, ETag: part.etag, ...checksumXmlFields(part.checksums) }),
  };
}

/** `x-amz-copy-source-range: bytes=first-last`, both required and inside the source. */
export function parseCopySourceRange(raw: string | undefined, size: number): { start: number; end: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(raw.trim());
  if (!m) throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: raw });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) {
    throw new S3Error('InvalidRange', undefined, { RangeRequested: raw, ActualObjectSize: String(size) }, { headers: { 'content-range': `bytes */${size}` } });
  }
  return { start, end };
}
