import type { BlobPutResult, ChecksumAlgorithm } from '@excloud/contracts';
import type { OperationContext, S3Result } from '../context';
import { MAX_PART_BYTES } from '../multipart-params';
import { header, openUploadBody } from '../upload-body';
import { parseContentMd5, storeBlob, verifyDigests } from './put-object';

/**
 * Each part is its own blob. The upload is checked before the body is read (NoSuchUpload costs
 * no bytes); the part is recorded only after its digests verified, and re-uploading a part
 * number supersedes the older blob through the outbox.
 */
export async function uploadPart(ctx: OperationContext<'UploadPart'>): Promise<S3Result> {
  const { bucket, key, uploadId, partNumber } = ctx.operation;
  const contentMd5 = parseContentMd5(header(ctx.req, 'content-md5'));
  const body = openUploadBody(ctx.req, ctx.caller, MAX_PART_BYTES);
  const upload = await ctx.services.metadata.getUpload(ctx.caller.token, bucket, key, uploadId, ctx.requestId);
  const extra: ChecksumAlgorithm[] = upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [];
  const stored = await storeBlob(ctx, body, extra);
  const { headers } = await recordPart(ctx, { bucket, key, uploadId, partNumber, stored, checksums: () => verifyDigests(stored, body, contentMd5) });
  return { headers };
}

/** Shared by UploadPart and UploadPartCopy: publish the part or discard its blob. */
export async function recordPart(
  ctx: OperationContext,
  p: { bucket: string; key: string; uploadId: string; partNumber: number; stored: BlobPutResult; checksums: () => Partial<Record<ChecksumAlgorithm, string>> },
) {
  try {
    const checksums = p.checksums();
    const part = await ctx.services.metadata.putPart(
      ctx.caller.token,
      p.bucket,
      p.key,
      p.uploadId,
      {
        partNumber: p.partNumber,
        size: p.stored.size,
        etag: `"${p.stored.md5}"`,
        checksums,
        blob: { blobId: p.stored.blobId, size: p.stored.size, encryption: p.stored.encryption, etag: `"${p.stored.md5}"` },
      },
      ctx.requestId,
    );
    const headers: Record<string, string | undefined> = { etag: part.etag, 'x-amz-server-side-encryption': 'AES256' };
    for (const [alg, value] of Object.entries(part.checksums)) headers[`x-amz-checksum-${alg.toLowerCase()}`] = value;
    return { headers, part };
  } catch (err) {
    await ctx.services.blob.delete(ctx.caller.token, p.stored.blobId, ctx.requestId).catch(() => undefined);
    throw err;
  }
}
