import { toXml } from '@excloud/s3-protocol';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { checksumAlgorithmHeader, checksumTypeHeader } from '../multipart-params';
import { cannedAclHeader } from '../acl';
import { storedHeadersFrom } from '../object-headers';
import { assertValidKey, userMetadataFrom } from '../validation';

export async function createMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const bucket = bucketOf(ctx);
  const key = keyOf(ctx);
  assertValidKey(key);
  const checksumAlgorithm = checksumAlgorithmHeader(ctx.req, 'x-amz-checksum-algorithm');
  const checksumType = checksumTypeHeader(ctx.req) ?? (checksumAlgorithm ? 'COMPOSITE' : undefined);
  const upload = await ctx.services.metadata.createUpload(
    ctx.caller.token,
    bucket,
    { key, headers: storedHeadersFrom(ctx.req), userMetadata: userMetadataFrom(ctx.req.headers), checksumAlgorithm, checksumType, acl: cannedAclHeader(ctx.req) },
    ctx.requestId,
  );
  return {
    headers: {
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-checksum-algorithm': checksumAlgorithm,
      'x-amz-checksum-type': checksumAlgorithm ? checksumType : undefined,
    },
    xml: toXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId }),
  };
}
