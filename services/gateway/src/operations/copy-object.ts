import { checksumXmlFields, header, type ChecksumAlgorithm } from '@excloud/contracts';
import { S3Error, renderDocument, writeResponseHeaders } from '@excloud/s3-protocol';
import { assertBucketExists } from '../bucket-check';
import { commitBlob } from '../blob-commit';
import type { OperationContext, S3Result } from '../context';
import { evaluateCopySourceConditions } from '../copy-source';
import { cannedAclHeader } from '../acl';
import { storedHeadersFrom } from '../object-headers';
import { taggingDirective, taggingHeader } from '../tagging';
import { streamObject } from '../object-stream';
import { assertValidKey, userMetadataFrom } from '../validation';
import { commitObjectVersion } from './put-object';

const MAX_COPY_BYTES = 5 * 1024 ** 3;

/**
 * CopyObject streams the source's plaintext into a new blob (re-encrypted under a fresh data
 * key) and publishes it like a PUT: same commit, same conditions, same cleanup on failure.
 */
export async function copyObject(ctx: OperationContext<'CopyObject'>): Promise<S3Result> {
  const { bucket, key, source } = ctx.operation;
  assertValidKey(key);
  const directive = (header(ctx.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  }
  const acl = cannedAclHeader(ctx.req);
  const replaceTags = taggingDirective(ctx.req) === 'REPLACE';
  const newTags = replaceTags ? (taggingHeader(ctx.req) ?? []) : undefined;
  const src = await ctx.services.metadata.getObject(ctx.caller.token, source.bucket, source.key, source.versionId, ctx.requestId);
  evaluateCopySourceConditions(ctx.req, src);
  if (source.bucket === bucket && source.key === key && directive === 'COPY' && source.versionId === undefined) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  if (src.size > MAX_COPY_BYTES) {
    throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_BYTES}`);
  }
  await assertBucketExists(ctx, bucket);

  const replace = directive === 'REPLACE';
  const version = await commitBlob(
    ctx,
    () => {
      const body = streamObject({ blob: ctx.services.blob, orgId: ctx.caller.orgId, manifest: src.manifest, range: { start: 0, end: src.size - 1 }, requestId: ctx.requestId });
      return ctx.services.blob.put(ctx.caller.orgId, body, { checksums: Object.keys(src.checksums) as ChecksumAlgorithm[], contentLength: src.size, requestId: ctx.requestId });
    },
    (stored) => {
      if (stored.size !== src.size) throw new S3Error('InternalError', 'copy source changed size while copying');
      return commitObjectVersion(ctx, bucket, key, stored, {
        headers: replace ? storedHeadersFrom(ctx.req) : src.headers,
        userMetadata: replace ? userMetadataFrom(ctx.req.headers) : src.userMetadata,
        checksums: stored.checksums,
        acl,
        tags: newTags ?? src.tags,
      });
    },
  );
  return {
    headers: { ...writeResponseHeaders({ versionId: version.versionId, copySourceVersionId: src.versionId }) },
    xml: renderDocument('CopyObjectResult', { LastModified: version.lastModified, ETag: version.etag, ...checksumXmlFields(version.checksums) }),
  };
}
