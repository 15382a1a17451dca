import { checksumAlgorithmOf, header, type BlobPutResult, type ChecksumAlgorithm, type Checksums, type ObjectHeaders, type ObjectTag } from '@excloud/contracts';
import { S3Error, writeResponseHeaders } from '@excloud/s3-protocol';
import { assertBucketExists } from '../bucket-check';
import { commitBlob, discardBlob } from '../blob-commit';
import type { OperationContext, S3Result } from '../context';
import { cannedAclHeader } from '../acl';
import { storedHeadersFrom } from '../object-headers';
import { taggingHeader } from '../tagging';
import { openUploadBody, type UploadBody } from '../upload-body';
import { assertValidKey, userMetadataFrom } from '../validation';

/**
 * Data before metadata: the body streams to a new immutable blob, digests are checked against
 * what the client declared, and only then does metadata publish the version in one transaction.
 * Any failure after the blob exists deletes it, so a refused PUT leaves nothing behind.
 */
export async function putObject(ctx: OperationContext<'PutObject'>): Promise<S3Result> {
  const { bucket, key } = ctx.operation;
  assertValidKey(key);
  const userMetadata = userMetadataFrom(ctx.req.headers);
  const contentMd5 = parseContentMd5(header(ctx.req, 'content-md5'));
  const headers = storedHeadersFrom(ctx.req);
  const acl = cannedAclHeader(ctx.req);
  const tags = taggingHeader(ctx.req);
  const body = openUploadBody(ctx.req, ctx.caller, ctx.config.maxPutBytes);
  // Refuse before reading the body when the bucket does not exist.
  await assertBucketExists(ctx, bucket);

  const version = await commitBlob(
    ctx,
    () => storeBlob(ctx, body),
    (stored) => commitObjectVersion(ctx, bucket, key, stored, { headers, userMetadata, acl, tags, checksums: verifyDigests(stored, body, contentMd5) }),
  );
  ctx.services.readAhead.replaced({ orgId: ctx.caller.orgId, bucket, key, versionId: undefined }, version);
  return { headers: writeResponseHeaders(version) };
}

/**
 * Publish a stored blob as the new version of `key` (PutObject and CopyObject). The
 * If-Match / If-None-Match conditions come from the request and are evaluated by metadata in
 * the commit transaction.
 */
export function commitObjectVersion(
  ctx: OperationContext,
  bucket: string,
  key: string,
  stored: BlobPutResult,
  fields: { headers: ObjectHeaders; userMetadata: Record<string, string>; checksums: Checksums; acl: string | undefined; tags: ObjectTag[] | undefined },
) {
  return ctx.services.metadata.putObject(
    ctx.caller.token,
    bucket,
    {
      key,
      size: stored.size,
      etag: `"${stored.md5}"`,
      ...fields,
      manifest: [{ blobId: stored.blobId, size: stored.size, encryption: stored.encryption }],
      ifMatch: header(ctx.req, 'if-match'),
      ifNoneMatch: header(ctx.req, 'if-none-match'),
    },
    ctx.requestId,
  );
}

/** Stream the decoded body to the blob service; a broken body reports its own error, not the blob's. */
export async function storeBlob(ctx: OperationContext, body: UploadBody, extra: ChecksumAlgorithm[] = []): Promise<BlobPutResult> {
  const wanted = new Set<ChecksumAlgorithm>([...(Object.keys(body.headerChecksums) as ChecksumAlgorithm[]), ...extra]);
  const sdkAlg = checksumAlgorithmOf(header(ctx.req, 'x-amz-sdk-checksum-algorithm') ?? '');
  if (sdkAlg) wanted.add(sdkAlg);
  try {
    const result = await ctx.services.blob.put(ctx.caller.orgId, body.stream, {
      checksums: [...wanted],
      maxSize: body.maxBytes,
      contentLength: body.length,
      requestId: ctx.requestId,
    });
    if (body.failure()) {
      await discardBlob(ctx, result.blobId);
      throw body.failure();
    }
    if (body.length !== undefined && result.size !== body.length) {
      await discardBlob(ctx, result.blobId);
      throw new S3Error('IncompleteBody');
    }
    return result;
  } catch (err) {
    throw body.failure() ?? err;
  }
}

/** Compare what the blob service computed with Content-MD5 and x-amz-checksum-* headers. */
export function verifyDigests(stored: BlobPutResult, body: UploadBody, contentMd5: string | undefined): Checksums {
  if (contentMd5 !== undefined && contentMd5 !== stored.md5) {
    throw new S3Error('BadDigest', undefined, {
      ExpectedDigest: Buffer.from(contentMd5, 'hex').toString('base64'),
      CalculatedDigest: Buffer.from(stored.md5, 'hex').toString('base64'),
    });
  }
  for (const [alg, expected] of Object.entries(body.headerChecksums) as Array<[ChecksumAlgorithm, string]>) {
    if (stored.checksums[alg] !== expected) {
      throw new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    }
  }
  return { ...stored.checksums, ...body.trailerChecksums(), ...body.headerChecksums };
}

/** Content-MD5 as hex, or InvalidDigest when it is not a base64 MD5. */
export function parseContentMd5(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value.trim()) throw new S3Error('InvalidDigest');
  return bytes.toString('hex');
}
