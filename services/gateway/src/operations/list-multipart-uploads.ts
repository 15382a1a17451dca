import { S3Error, toXml } from '@excloud/s3-protocol';
import { bucketOf, type OperationContext, type S3Result } from '../context';
import { s3UrlEncode } from './list-objects-v2';
import { parseIntParam } from './list-parts';

const MAX_UPLOADS = 1000;

export async function listMultipartUploads(ctx: OperationContext): Promise<S3Result> {
  const q = ctx.query;
  const bucket = bucketOf(ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const maxUploads = Math.min(parseIntParam(q.get('max-uploads'), 'max-uploads', MAX_UPLOADS), MAX_UPLOADS);
  const encodingType = q.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  }
  const [result, owner] = await Promise.all([
    ctx.services.metadata.listUploads(
      ctx.caller.token,
      bucket,
      { prefix, delimiter, keyMarker: keyMarker || undefined, uploadIdMarker: uploadIdMarker || undefined, maxUploads },
      ctx.requestId,
    ),
    ctx.owner(),
  ]);
  const enc = (s: string) => (encodingType === 'url' ? s3UrlEncode(s) : s);
  const who = { ID: owner.id, DisplayName: owner.displayName };
  return {
    xml: toXml('ListMultipartUploadsResult', {
      Bucket: bucket,
      KeyMarker: enc(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: result.nextKeyMarker !== undefined ? enc(result.nextKeyMarker) : undefined,
      NextUploadIdMarker: result.nextUploadIdMarker,
      Prefix: enc(prefix),
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      MaxUploads: maxUploads,
      EncodingType: encodingType,
      IsTruncated: result.isTruncated,
      Upload: result.uploads.map((u) => ({ Key: enc(u.key), UploadId: u.uploadId, Initiator: who, Owner: who, StorageClass: 'STANDARD', Initiated: u.initiated })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  };
}
