import { isValidBucketName } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';

/** Bucket naming rules of S3 general purpose buckets. */
export function assertValidBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
}

export const MAX_KEY_BYTES = 1024;
export const MAX_USER_METADATA_BYTES = 2048;

export function assertValidKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, { MaxSizeAllowed: String(MAX_KEY_BYTES), Size: String(Buffer.byteLength(key)) });
  }
  if (!relativeSegmentsStayInside(key)) {
    throw new S3Error('InvalidRequest', 'the key climbs above the bucket with relative path segments', {}, { bodiless: true });
  }
}

/**
 * AWS accepts `../` in keys only while, read left to right, the `..` segments never outnumber
 * the ordinary segments before them; otherwise it answers 400 with an empty body. Keys never
 * reach a filesystem here (blob ids are opaque), so this is about matching S3, not safety.
 */
export function relativeSegmentsStayInside(key: string): boolean {
  let depth = 0;
  for (const segment of key.split('/')) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return false;
  }
  return true;
}

/**
 * User metadata as S3 counts it: the UTF-8 bytes of every `x-amz-meta-*` name (without the
 * prefix) and value, at most 2 KB.
 */
export function userMetadataFrom(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const meta: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const v = Array.isArray(value) ? value.join(',') : value;
    meta[key] = v;
    size += Buffer.byteLength(key) + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, { Size: String(size), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
  }
  return meta;
}
