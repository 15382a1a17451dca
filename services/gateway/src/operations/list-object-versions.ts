import { S3Error, renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { s3UrlEncode } from './list-objects-v2';

/** ListObjectVersions: versions and delete markers, newest first within a key. */
export async function listObjectVersions(ctx: OperationContext<'ListObjectVersions'>): Promise<S3Result> {
  const { bucket, prefix, delimiter, keyMarker, versionIdMarker, maxKeys, encodingType } = ctx.operation;
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker });
  }
  const [result, owner] = await Promise.all([
    ctx.services.metadata.listVersions(
      ctx.caller.token,
      bucket,
      { prefix, delimiter, keyMarker: keyMarker || undefined, versionIdMarker: versionIdMarker || undefined, maxKeys },
      ctx.requestId,
    ),
    ctx.owner(),
  ]);
  const enc = (s: string) => (encodingType === 'url' ? s3UrlEncode(s) : s);
  const who = { ID: owner.id, DisplayName: owner.displayName };
  // SDKs collect Version and DeleteMarker elements into separate lists, so grouping them is safe.
  const versions = result.versions.filter((v) => !v.isDeleteMarker);
  const markers = result.versions.filter((v) => v.isDeleteMarker);
  return {
    xml: renderDocument('ListVersionsResult', {
      Name: bucket,
      Prefix: enc(prefix),
      KeyMarker: enc(keyMarker),
      VersionIdMarker: versionIdMarker,
      NextKeyMarker: result.nextKeyMarker !== undefined ? enc(result.nextKeyMarker) : undefined,
      NextVersionIdMarker: result.nextVersionIdMarker,
      MaxKeys: maxKeys,
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      EncodingType: encodingType,
      IsTruncated: result.isTruncated,
      Version: versions.map((v) => ({
        Key: enc(v.key),
        VersionId: v.versionId,
        IsLatest: v.isLatest,
        LastModified: v.lastModified,
        ETag: v.etag,
        Size: v.size,
        Owner: who,
        StorageClass: 'STANDARD',
      })),
      DeleteMarker: markers.map((v) => ({ Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified, Owner: who })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  };
}
