import { S3Error } from '@excloud/s3-protocol';

export interface ConditionHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

/**
 * RFC 7232 precedence as S3 applies it to GET/HEAD: If-Match, else If-Unmodified-Since (412);
 * then If-None-Match, else If-Modified-Since (304). An If-Match that holds makes S3 ignore a
 * failing If-Unmodified-Since, and an If-None-Match that fails makes it ignore If-Modified-Since.
 */
export function evaluateReadConditions(cond: ConditionHeaders, etag: string, lastModified: Date, extraHeaders: Record<string, string> = {}): void {
  const modified = Math.floor(lastModified.getTime() / 1000);
  if (cond.ifMatch !== undefined) {
    if (!etagMatches(cond.ifMatch, etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  } else if (cond.ifUnmodifiedSince !== undefined) {
    const since = parseHttpDate(cond.ifUnmodifiedSince);
    if (since !== undefined && modified > since) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Unmodified-Since' });
  }
  if (cond.ifNoneMatch !== undefined) {
    if (etagMatches(cond.ifNoneMatch, etag)) throw notModified(etag, lastModified, extraHeaders);
  } else if (cond.ifModifiedSince !== undefined) {
    const since = parseHttpDate(cond.ifModifiedSince);
    if (since !== undefined && modified <= since) throw notModified(etag, lastModified, extraHeaders);
  }
}

function notModified(etag: string, lastModified: Date, extra: Record<string, string>): S3Error {
  return new S3Error('NotModified', undefined, {}, { headers: { etag, 'last-modified': lastModified.toUTCString(), ...extra } });
}

/** `*`, a single ETag, or a comma-separated list; quotes and weak prefixes are not significant. */
export function etagMatches(header: string, etag: string): boolean {
  const want = normalizeEtag(etag);
  return header.split(',').some((candidate) => {
    const c = candidate.trim();
    return c === '*' || normalizeEtag(c) === want;
  });
}

export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function parseHttpDate(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
