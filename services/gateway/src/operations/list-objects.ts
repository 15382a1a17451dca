import { renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { s3UrlEncode } from './list-objects-v2';

/**
 * ListObjects (v1), which s3cmd and older clients use: `marker` is a key (or common prefix) to
 * start after; NextMarker is only returned when a delimiter is given, as in S3 (clients without a
 * delimiter continue from the last key).
 */
export async function listObjects(ctx: OperationContext<'ListObjects'>): Promise<S3Result> {
  const { bucket, prefix, delimiter, marker, maxKeys, encodingType } = ctx.operation;
  const [result, owner] = await Promise.all([
    maxKeys === 0
      ? ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId).then(() => ({ contents: [], commonPrefixes: [], isTruncated: false, lastReturned: undefined }))
      : ctx.services.metadata.listObjects(ctx.caller.token, bucket, { prefix, delimiter, maxKeys, startAfter: marker || undefined }, ctx.requestId),
    ctx.owner(),
  ]);
  const enc = (s: string) => (encodingType === 'url' ? s3UrlEncode(s) : s);
  return {
    xml: renderDocument('ListBucketResult', {
      Name: bucket,
      Prefix: enc(prefix),
      Marker: enc(marker),
      NextMarker: result.isTruncated && delimiter !== undefined && result.lastReturned !== undefined ? enc(result.lastReturned) : undefined,
      MaxKeys: maxKeys,
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      EncodingType: encodingType,
      IsTruncated: result.isTruncated,
      Contents: result.contents.map((c) => ({
        Key: enc(c.key),
        LastModified: c.lastModified,
        ETag: c.etag,
        Size: c.size,
        Owner: { ID: owner.id, DisplayName: owner.displayName },
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  };
}
