import { renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { s3UrlEncode } from './list-objects-v2';

export async function listMultipartUploads(ctx: OperationContext<'ListMultipartUploads'>): Promise<S3Result> {
  const { bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads, encodingType } = ctx.operation;
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
    xml: renderDocument('ListMultipartUploadsResult', {
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
