import { S3Error, toXml } from '@excloud/s3-protocol';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { uploadIdOf } from '../multipart-params';

const MAX_PARTS = 1000;

export async function listParts(ctx: OperationContext): Promise<S3Result> {
  const bucket = bucketOf(ctx);
  const key = keyOf(ctx);
  const uploadId = uploadIdOf(ctx.query);
  const maxParts = parseIntParam(ctx.query.get('max-parts'), 'max-parts', MAX_PARTS);
  const marker = parseIntParam(ctx.query.get('part-number-marker'), 'part-number-marker', 0);
  const [result, owner] = await Promise.all([
    ctx.services.metadata.listParts(ctx.caller.token, bucket, key, uploadId, { partNumberMarker: marker, maxParts: Math.min(maxParts, MAX_PARTS) }, ctx.requestId),
    ctx.owner(),
  ]);
  const who = { ID: owner.id, DisplayName: owner.displayName };
  return {
    xml: toXml('ListPartsResult', {
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
        ...Object.fromEntries(Object.entries(p.checksums).map(([alg, v]) => [`Checksum${alg}`, v])),
      })),
    }),
  };
}

export function parseIntParam(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: raw });
  return Number(raw);
}
