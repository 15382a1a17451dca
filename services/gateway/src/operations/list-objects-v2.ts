import { renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { encodeContinuationToken } from '../query-params';

export async function listObjectsV2(ctx: OperationContext<'ListObjectsV2'>): Promise<S3Result> {
  const { bucket, prefix, delimiter, maxKeys, encodingType, continuationToken, startAfter, fetchOwner } = ctx.operation;
  const after = continuationToken ? continuationToken.after : startAfter;

  const [result, owner] = await Promise.all([
    maxKeys === 0
      ? ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId).then(() => ({ contents: [], commonPrefixes: [], isTruncated: false, lastReturned: undefined }))
      : ctx.services.metadata.listObjects(ctx.caller.token, bucket, { prefix, delimiter, maxKeys, startAfter: after }, ctx.requestId),
    fetchOwner ? ctx.owner() : Promise.resolve(undefined),
  ]);
  const enc = (s: string) => (encodingType === 'url' ? s3UrlEncode(s) : s);
  return {
    xml: renderDocument('ListBucketResult', {
      Name: bucket,
      Prefix: enc(prefix),
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      MaxKeys: maxKeys,
      EncodingType: encodingType,
      KeyCount: result.contents.length + result.commonPrefixes.length,
      IsTruncated: result.isTruncated,
      ContinuationToken: continuationToken?.raw,
      NextContinuationToken: result.isTruncated && result.lastReturned !== undefined ? encodeContinuationToken(result.lastReturned) : undefined,
      StartAfter: startAfter !== undefined ? enc(startAfter) : undefined,
      Contents: result.contents.map((c) => ({
        Key: enc(c.key),
        LastModified: c.lastModified,
        ETag: c.etag,
        Size: c.size,
        Owner: owner ? { ID: owner.id, DisplayName: owner.displayName } : undefined,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  };
}

/**
 * `encoding-type=url` as S3 applies it: form-style percent-encoding (space as '+', which botocore
 * decodes with unquote_plus) with '/' left readable.
 */
export function s3UrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}
