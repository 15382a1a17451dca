import { S3Error } from '@excloud/s3-protocol';

/** Validators for the query parameters the router puts into a typed operation. */

export const MAX_PART_NUMBER = 10_000;
export const MAX_KEYS = 1000;

/** `partNumber` as S3 accepts it: an integer 1..10000. */
export function parsePartNumber(raw: string | null): number {
  if (raw === null || !/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, { ArgumentName: 'partNumber', ArgumentValue: raw ?? '' });
  }
  return Number(raw);
}

export function parseUploadId(raw: string | null): string {
  // Ids are ours and URL-safe; anything else cannot name an upload.
  if (!raw || !/^[A-Za-z0-9_-]{1,128}$/.test(raw)) throw new S3Error('NoSuchUpload', undefined, { UploadId: raw ?? '' });
  return raw;
}

export function parseMaxKeys(raw: string | null): number {
  if (raw === null) return MAX_KEYS;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  return Math.min(Number(raw), MAX_KEYS);
}

export function parseIntParam(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: raw });
  return Number(raw);
}

export function parseEncodingType(raw: string | null): 'url' | undefined {
  if (raw === null) return undefined;
  if (raw !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: raw });
  return raw;
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

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** What an HTTP header value may carry: no control characters but tab, nothing beyond Latin-1. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * `response-*` query parameters, mapped to the stored headers they override on a GET. A value
 * that cannot be a header value (CR/LF, NUL, beyond Latin-1) is the client's error. S3 also
 * refuses them on anonymous requests; the caller is not known here, so readObject checks that.
 */
export function parseResponseOverrides(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const v = query.get(param);
    if (v === null) continue;
    if (!HEADER_VALUE.test(v)) throw new S3Error('InvalidArgument', 'Header value cannot be represented using ISO-8859-1.', { ArgumentName: param });
    out[name] = v;
  }
  return out;
}
