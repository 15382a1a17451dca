import { checksumXmlFields } from '@excloud/contracts';
import { renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';

const MAX_PARTS = 1000;

export async function listParts(ctx: OperationContext<'ListParts'>): Promise<S3Result> {
  const { bucket, key, uploadId, maxParts, partNumberMarker: marker } = ctx.operation;
  const [result, owner] = await Promise.all([
    ctx.services.metadata.listParts(ctx.caller.token, bucket, key, uploadId, { partNumberMarker: marker, maxParts: Math.min(maxParts, MAX_PARTS) }, ctx.requestId),
    ctx.owner(),
  ]);
  const who = { ID: owner.id, DisplayName: owner.displayName };
  return {
    xml: renderDocument('ListPartsResult', {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      Initiator: who,
      Owner: who,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: result.nextPartNumberMarker,
      MaxParts: maxParts,
      IsTruncated: result.isTruncated,
      ChecksumAlgorithm: result.upload.checksumAlgorithm,
      ChecksumType: result.upload.checksumAlgorithm ? result.upload.checksumType : undefined,
      Part: result.parts.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: p.lastModified,
        ETag: p.etag,
        Size: p.size,
        ...checksumXmlFields(p.checksums),
      })),
    }),
  };
}
