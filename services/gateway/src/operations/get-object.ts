import type { ObjectVersion } from '@excloud/contracts';
import { bucketOf, keyOf, type OperationContext, type S3Result } from '../context';
import { evaluateReadConditions } from '../conditions';
import { objectResponseHeaders } from '../object-headers';
import { streamObject } from '../object-stream';
import { parseRange } from '../range';
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
  const range = parseRange(header(ctx.req, 'range'), version.size);
  Object.assign(headers, responseOverrides(ctx.query));
  if (!range) {
    return { headers: { ...headers, 'content-length': String(version.size) }, body: withBody ? fullBody(ctx, version) : undefined };
  }
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(range.end - range.start + 1),
      'content-range': `bytes ${range.start}-${range.end}/${version.size}`,
    },
    body: withBody ? streamObject({ blob: ctx.services.blob, token: ctx.caller.token, manifest: version.manifest, range, requestId: ctx.requestId }) : undefined,
  };
}

function fullBody(ctx: OperationContext, version: ObjectVersion) {
  if (version.size === 0) return undefined;
  return streamObject({
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

/** `response-*` query parameters override the stored headers of a GET response. */
function responseOverrides(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, name] of Object.entries(OVERRIDES)) {
    const v = query.get(param);
    if (v !== null) out[name] = v;
  }
  return out;
}

export async function getObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, true);
}
