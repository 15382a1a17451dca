import { header, type BlobPutResult, type ChecksumAlgorithm, type Checksums, type UploadPartRecord } from '@excloud/contracts';
import { writeResponseHeaders } from '@excloud/s3-protocol';
import { commitBlob } from '../blob-commit';
import type { OperationContext, S3Result } from '../context';
import { MAX_PART_BYTES } from '../multipart-params';
import { openUploadBody } from '../upload-body';
import { parseContentMd5, storeBlob, verifyDigests } from './put-object';

/**
 * Each part is its own blob. The upload is checked before the body is read (NoSuchUpload costs
 * no bytes); the part is recorded only after its digests verified, and re-uploading a part
 * number supersedes the older blob through the outbox.
 */
export async function uploadPart(ctx: OperationContext<'UploadPart'>): Promise<S3Result> {
  const { bucket, key, uploadId } = ctx.operation;
  const contentMd5 = parseContentMd5(header(ctx.req, 'content-md5'));
  const body = openUploadBody(ctx.req, ctx.caller, MAX_PART_BYTES);
  const upload = await ctx.services.metadata.getUpload(ctx.caller.token, bucket, key, uploadId, ctx.requestId);
  const extra: ChecksumAlgorithm[] = upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [];
  const part = await commitBlob(
    ctx,
    () => storeBlob(ctx, body, extra),
    (stored) => recordPart(ctx, stored, verifyDigests(stored, body, contentMd5)),
  );
  return { headers: writeResponseHeaders(part) };
}

/** Shared by UploadPart and UploadPartCopy: the commit step, publishing the stored blob as the part. */
export function recordPart(ctx: OperationContext<'UploadPart' | 'UploadPartCopy'>, stored: BlobPutResult, checksums: Checksums): Promise<UploadPartRecord> {
  const { bucket, key, uploadId, partNumber } = ctx.operation;
  const etag = `"${stored.md5}"`;
  return ctx.services.metadata.putPart(
    ctx.caller.token,
    bucket,
    key,
    uploadId,
    { partNumber, size: stored.size, etag, checksums, blob: { blobId: stored.blobId, size: stored.size, encryption: stored.encryption, etag } },
    ctx.requestId,
  );
}
