import { S3Error, toXml } from '@excloud/s3-protocol';
import { bucketOf, type OperationContext, type S3Result } from '../context';

const MAX_KEYS = 1000;

export async function listObjectsV2(ctx: OperationContext): Promise<S3Result> {
  const q = ctx.query;
  const bucket = bucketOf(ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const encodingType = q.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  }
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? undefined;
  const after = token !== null ? decodeContinuationToken(token) : startAfter;
  const fetchOwner = q.get('fetch-owner') === 'true';

  const [result, owner] = await Promise.all([
    maxKeys === 0
      ? ctx.services.metadata.getBucket(ctx.caller.token, bucket, ctx.requestId).then(() => ({ contents: [], commonPrefixes: [], isTruncated: false, lastReturned: undefined }))
      : ctx.services.metadata.listObjects(ctx.caller.token, bucket, { prefix, delimiter, maxKeys, startAfter: after }, ctx.requestId),
    fetchOwner ? ctx.owner() : Promise.resolve(undefined),
  ]);
  const enc = (s: string) => (encodingType === 'url' ? s3UrlEncode(s) : s);
  return {
    xml: toXml('ListBucketResult', {
      Name: bucket,
      Prefix: enc(prefix),
      Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
      MaxKeys: maxKeys,
      EncodingType: encodingType,
      KeyCount: result.contents.length + result.commonPrefixes.length,
      IsTruncated: result.isTruncated,
      ContinuationToken: token ?? undefined,
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

export function parseMaxKeys(raw: string | null): number {
  if (raw === null) return MAX_KEYS;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  return Math.min(Number(raw), MAX_KEYS);
}

/** Opaque to clients; it names the last key or common prefix returned, and the next page starts after it. */
export function encodeContinuationToken(lastReturned: string): string {
  return Buffer.from(`v1:${lastReturned}`, 'utf8').toString('base64url');
}

export function decodeContinuationToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('v1:') || text.includes('\0')) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  return text.slice(3);
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
