import { ENCRYPTION_HEADERS, S3Error, S3_HEADERS, renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { checksumAlgorithmHeader, checksumTypeHeader } from '../multipart-params';
import { cannedAclHeader } from '../acl';
import { storedHeadersFrom } from '../object-headers';
import { taggingHeader } from '../tagging';
import { assertValidKey, userMetadataFrom } from '../validation';

export async function createMultipartUpload(ctx: OperationContext<'CreateMultipartUpload'>): Promise<S3Result> {
  const { bucket, key } = ctx.operation;
  assertValidKey(key);
  const checksumAlgorithm = checksumAlgorithmHeader(ctx.req, 'x-amz-checksum-algorithm');
  // As S3: CRC64NVME is full-object only and its default; SHA checksums can only be composite.
  const checksumType = checksumTypeHeader(ctx.req) ?? (checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : checksumAlgorithm ? 'COMPOSITE' : undefined);
  if (checksumType === 'FULL_OBJECT' && (checksumAlgorithm === 'SHA1' || checksumAlgorithm === 'SHA256')) {
    throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type cannot be used with the ${checksumAlgorithm.toLowerCase()} checksum algorithm.`);
  }
  if (checksumType === 'COMPOSITE' && checksumAlgorithm === 'CRC64NVME') {
    throw new S3Error('InvalidRequest', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  }
  if (checksumType !== undefined && checksumAlgorithm === undefined) {
    throw new S3Error('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  }
  const upload = await ctx.services.metadata.createUpload(
    ctx.caller.token,
    bucket,
    { key, headers: storedHeadersFrom(ctx.req), userMetadata: userMetadataFrom(ctx.req.headers), checksumAlgorithm, checksumType, acl: cannedAclHeader(ctx.req), tags: taggingHeader(ctx.req) },
    ctx.requestId,
  );
  return {
    headers: {
      ...ENCRYPTION_HEADERS,
      [S3_HEADERS.checksumAlgorithm]: checksumAlgorithm,
      [S3_HEADERS.checksumType]: checksumAlgorithm ? checksumType : undefined,
    },
    xml: renderDocument('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId }),
  };
}
