import type { BlobPutResult, ChecksumAlgorithm, ObjectVersion, PutObjectCommit } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { assertBucketExists } from '../bucket-check';
import type { OperationContext, S3Result } from '../context';
import { cannedAclHeader } from '../acl';
import { storedHeadersFrom } from '../object-headers';
import { taggingHeader } from '../tagging';
import { header, openUploadBody, type UploadBody } from '../upload-body';
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

  const stored = await storeBlob(ctx, body);
  try {
    const checksums = verifyDigests(stored, body, contentMd5);
    const version = await ctx.services.metadata.putObject(
      ctx.caller.token,
      bucket,
      {
        key,
        ...singleBlobObject(stored),
        headers,
        userMetadata,
        checksums,
        acl,
        tags,
        ifMatch: header(ctx.req, 'if-match'),
        ifNoneMatch: header(ctx.req, 'if-none-match'),
      },
      ctx.requestId,
    );
    return { headers: putResponseHeaders(version) };
  } catch (err) {
    await discardBlob(ctx, stored.blobId);
    throw err;
  }
}

/** What a version made of one stored blob says about it: its size, ETag and one-part manifest. */
export function singleBlobObject(stored: BlobPutResult): Pick<PutObjectCommit, 'size' | 'etag' | 'manifest'> {
  return { size: stored.size, etag: `"${stored.md5}"`, manifest: [{ blobId: stored.blobId, size: stored.size, encryption: stored.encryption }] };
}

/** Stream the decoded body to the blob service; a broken body reports its own error, not the blob's. */
export async function storeBlob(ctx: OperationContext, body: UploadBody, extra: ChecksumAlgorithm[] = []): Promise<BlobPutResult> {
  const wanted = new Set<ChecksumAlgorithm>([...(Object.keys(body.headerChecksums) as ChecksumAlgorithm[]), ...extra]);
  const sdkAlg = header(ctx.req, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  if (sdkAlg && ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'].includes(sdkAlg)) wanted.add(sdkAlg as ChecksumAlgorithm);
  try {
    const result = await ctx.services.blob.put(ctx.caller.token, body.stream, {
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
export function verifyDigests(stored: BlobPutResult, body: UploadBody, contentMd5: string | undefined): Partial<Record<ChecksumAlgorithm, string>> {
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

export function putResponseHeaders(version: ObjectVersion): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = { etag: version.etag, 'x-amz-server-side-encryption': 'AES256' };
  if (version.versionId !== 'null') h['x-amz-version-id'] = version.versionId;
  for (const [alg, value] of Object.entries(version.checksums)) h[`x-amz-checksum-${alg.toLowerCase()}`] = value;
  return h;
}

export async function discardBlob(ctx: OperationContext, blobId: string): Promise<void> {
  // The blob was never referenced; if this delete fails, the orphan sweep reclaims it.
  await ctx.services.blob.delete(ctx.caller.token, blobId, ctx.requestId).catch((err: unknown) => {
    ctx.log.warn('could not discard unreferenced blob', { blobId, err: err as Error });
  });
}

