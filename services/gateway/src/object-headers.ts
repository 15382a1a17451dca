import type { IncomingMessage } from 'node:http';
import type { ObjectHeaders, ObjectVersion } from '@excloud/contracts';
import { header } from '@excloud/contracts';
import { ENCRYPTION_HEADERS, S3_HEADERS, versionIdValue } from '@excloud/s3-protocol';

/** S3's default Content-Type for objects stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

const STORED_HEADERS: Array<[keyof ObjectHeaders, string]> = [
  ['contentType', 'content-type'],
  ['contentEncoding', 'content-encoding'],
  ['contentDisposition', 'content-disposition'],
  ['contentLanguage', 'content-language'],
  ['cacheControl', 'cache-control'],
  ['expires', 'expires'],
];

/** The system headers a PUT stores; `aws-chunked` is transport framing and is never stored. */
export function storedHeadersFrom(req: IncomingMessage): ObjectHeaders {
  const out: ObjectHeaders = {};
  for (const [field, name] of STORED_HEADERS) {
    let value = header(req, name);
    if (field === 'contentEncoding' && value !== undefined) {
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' && v.toLowerCase() !== 'aws-chunked')
        .join(',');
    }
    if (value !== undefined && value !== '') out[field] = value;
  }
  return out;
}

/** Response headers of GET/HEAD for one object version. */
export function objectResponseHeaders(v: ObjectVersion): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = {
    etag: v.etag,
    'last-modified': new Date(v.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': v.headers.contentType ?? DEFAULT_CONTENT_TYPE,
    ...ENCRYPTION_HEADERS,
    [S3_HEADERS.versionId]: versionIdValue(v.versionId),
  };
  for (const [field, name] of STORED_HEADERS) {
    if (field !== 'contentType' && v.headers[field] !== undefined) h[name] = v.headers[field];
  }
  for (const [k, val] of Object.entries(v.userMetadata)) h[`x-amz-meta-${k}`] = val;
  return h;
}
