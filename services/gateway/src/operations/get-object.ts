import type { ObjectVersion } from '@excloud/contracts';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { evaluateReadConditions } from '../conditions';
import { objectResponseHeaders } from '../object-headers';
import { openObjectStream } from '../object-stream';
import { parseRange, type ByteRange } from '../range';
import { parsePartNumber } from '../multipart-params';
import { checksumTypeOf } from './complete-multipart-upload';
import { S3Error } from '@excloud/s3-protocol';
import { header } from '../upload-body';

/** GET and HEAD share resolution, conditions and headers; only GET streams the body. */
export async function readObject(ctx: OperationContext, withBody: boolean): Promise<S3Result> {
  const versionId = ctx.query.get('versionId') ?? undefined;
  const version = await ctx.services.metadata.getObject(ctx.caller.token, bucketOf(ctx), keyOf(ctx), versionId, ctx.requestId);
  const headers = objectResponseHeaders(version);
  evaluateReadConditions(
    {
      ifMatch: header(ctx.req, 'if-match'),
      ifNoneMatch: header(ctx.req, 'if-none-match'),
      ifModifiedSince: header(ctx.req, 'if-modified-since'),
      ifUnmodifiedSince: header(ctx.req, 'if-unmodified-since'),
    },
    version.etag,
    new Date(version.lastModified),
  );
  const range = ctx.query.has('partNumber') ? partRange(ctx, version, headers) : parseRange(header(ctx.req, 'range'), version.size);
  Object.assign(headers, responseOverrides(ctx.query, ctx.caller.anonymous === true));
  // Stored checksums describe the whole object: S3 returns them on request, never for a range.
  if (!range && header(ctx.req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    for (const [alg, value] of Object.entries(version.checksums)) headers[`x-amz-checksum-${alg.toLowerCase()}`] = value;
    headers['x-amz-checksum-type'] = checksumTypeOf(version.checksums);
  }
  if (!range) {
    return { headers: { ...headers, 'content-length': String(version.size) }, body: withBody ? await fullBody(ctx, version) : undefined };
  }
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(range.end - range.start + 1),
      'content-range': `bytes ${range.start}-${range.end}/${version.size}`,
    },
    body: withBody ? await openObjectStream({ blob: ctx.services.blob, token: ctx.caller.token, manifest: version.manifest, range, requestId: ctx.requestId }) : undefined,
  };
}

/**
 * `?partNumber=N` reads one part of a multipart object as a 206 with its Content-Range; an
 * object uploaded in one piece has exactly one part.
 */
function partRange(ctx: OperationContext, version: ObjectVersion, headers: Record<string, string | undefined>): ByteRange | undefined {
  if (header(ctx.req, 'range') !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  const partNumber = parsePartNumber(ctx.query.get('partNumber'));
  const multipart = /-\d+"$/.test(version.etag);
  const parts = multipart ? version.manifest : [{ size: version.size }];
  if (partNumber > parts.length) throw new S3Error('InvalidPartNumber');
  if (multipart) headers['x-amz-mp-parts-count'] = String(parts.length);
  let start = 0;
  for (let i = 0; i < partNumber - 1; i++) start += parts[i]!.size;
  const size = parts[partNumber - 1]!.size;
  if (size === 0) return undefined;
  return { start, end: start + size - 1 };
}

async function fullBody(ctx: OperationContext, version: ObjectVersion) {
  if (version.size === 0) return undefined;
  return openObjectStream({
    blob: ctx.services.blob,
    token: ctx.caller.token,
    manifest: version.manifest,
    range: { start: 0, end: version.size - 1 },
    requestId: ctx.requestId,
  });
}

const OVERRIDES: Record<string, string> = {
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
 * `response-*` query parameters override the stored headers of a GET response. S3 allows them
 * only on signed requests, and a value that cannot be a header value is the client's error.
 */
export function responseOverrides(query: URLSearchParams, anonymous: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, name] of Object.entries(OVERRIDES)) {
    const v = query.get(param);
    if (v === null) continue;
    if (anonymous) throw new S3Error('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
    if (!HEADER_VALUE.test(v)) throw new S3Error('InvalidArgument', 'Header value cannot be represented using ISO-8859-1.', { ArgumentName: param });
    out[name] = v;
  }
  return out;
}

export async function getObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, true);
}
