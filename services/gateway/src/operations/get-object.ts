import type { Readable } from 'node:stream';
import type { ManifestPart, ObjectVersion } from '@excloud/contracts';
import { collectBody } from '@excloud/internal-client';
import type { OperationContext, S3Result } from '../context';
import { evaluateReadConditions } from '../conditions';
import { objectResponseHeaders } from '../object-headers';
import { openObjectStream } from '../object-stream';
import { parseRange, type ByteRange } from '../range';
import { checksumTypeOf } from './complete-multipart-upload';
import { S3Error, S3_HEADERS } from '@excloud/s3-protocol';
import { checksumHeaders, header } from '@excloud/contracts';

/** GET and HEAD share resolution, conditions and headers; only GET streams the body. */
export async function readObject(ctx: OperationContext<'GetObject' | 'HeadObject'>, withBody: boolean): Promise<S3Result> {
  const { bucket, key, versionId, responseHeaders } = ctx.operation;
  // S3 allows response-* overrides only on signed requests. Refused before any lookup, so the
  // answer is the same whether or not the object exists (the router already checked the values).
  if (ctx.caller.anonymous && Object.keys(responseHeaders).length > 0) {
    throw new S3Error('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
  }
  const slot = { orgId: ctx.caller.orgId, bucket, key, versionId };
  const guess = withBody && readsWholeObject(ctx) ? ctx.services.readAhead.start(slot, ctx.requestId) : undefined;
  const version = await ctx.services.metadata.getObject(ctx.caller.token, bucket, key, versionId, ctx.requestId).catch((err: unknown) => {
    ctx.services.readAhead.abandon(guess, slot);
    throw err;
  });
  const early = await ctx.services.readAhead.settle(guess, slot, version);
  try {
    return await answer(ctx, version, withBody, early);
  } catch (err) {
    early?.destroy(); // a guessed read nobody will send
    throw err;
  }
}

/** The response to a resolved version; `early` is its whole body when it was read ahead. */
async function answer(ctx: OperationContext<'GetObject' | 'HeadObject'>, version: ObjectVersion, withBody: boolean, early: Readable | undefined): Promise<S3Result> {
  const { partNumber, responseHeaders } = ctx.operation;
  const headers = objectResponseHeaders(version);
  // S3 shows the tag count only to callers allowed to read tags: never to an anonymous reader.
  if (version.tags?.length && !ctx.caller.anonymous) headers[S3_HEADERS.taggingCount] = String(version.tags.length);
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
  const range = partNumber !== undefined ? partRange(ctx, partNumber, version, headers) : parseRange(header(ctx.req, 'range'), version.size);
  Object.assign(headers, responseHeaders);
  // Stored checksums describe the whole object: S3 returns them on request, never for a range.
  if (!range && header(ctx.req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumHeaders(version.checksums));
    headers[S3_HEADERS.checksumType] = checksumTypeOf(version.checksums);
  }
  if (!range) {
    return { headers: { ...headers, 'content-length': String(version.size) }, body: withBody ? await wholeBody(ctx, version, early) : undefined };
  }
  early?.destroy(); // only plain GETs are read ahead: never reached
  const cached = withBody ? cachedBody(ctx, version) : undefined;
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(range.end - range.start + 1),
      'content-range': `bytes ${range.start}-${range.end}/${version.size}`,
    },
    body: !withBody
      ? undefined
      : cached
        ? cached.subarray(range.start, range.end + 1)
        : await openObjectStream({ blob: ctx.services.blob, orgId: ctx.caller.orgId, manifest: version.manifest, range, requestId: ctx.requestId }),
  };
}

/**
 * A plain GET, the only kind read ahead: a Range or partNumber reads part of the object, and a
 * conditional GET (a cache revalidating) is mostly answered 304 without a body.
 */
function readsWholeObject(ctx: OperationContext<'GetObject' | 'HeadObject'>): boolean {
  const h = ctx.req.headers;
  return (
    ctx.operation.partNumber === undefined &&
    h.range === undefined &&
    h['if-match'] === undefined &&
    h['if-none-match'] === undefined &&
    h['if-modified-since'] === undefined &&
    h['if-unmodified-since'] === undefined
  );
}

/**
 * `?partNumber=N` reads one part of a multipart object as a 206 with its Content-Range; an
 * object uploaded in one piece has exactly one part.
 */
function partRange(ctx: OperationContext, partNumber: number, version: ObjectVersion, headers: Record<string, string | undefined>): ByteRange | undefined {
  if (header(ctx.req, 'range') !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
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

/**
 * The whole object's body (`early`: read ahead). A small single-blob object comes from the blob
 * cache, or is read whole and cached for the next GET.
 */
async function wholeBody(ctx: OperationContext, version: ObjectVersion, early: Readable | undefined): Promise<Readable | Buffer | undefined> {
  const cache = ctx.services.blobCache;
  const part = cache.cacheablePart(version);
  const cached = part && cache.get(part);
  if (cached) {
    early?.destroy();
    return cached;
  }
  const body = early ?? (await fullBody(ctx, version));
  if (!part || !body) return body;
  const whole = await readWhole(ctx, body, part);
  cache.add(part, whole);
  return whole;
}

/** The cached plaintext of a small single-blob object, counting a hit or a miss; undefined when not cached. */
function cachedBody(ctx: OperationContext, version: ObjectVersion): Buffer | undefined {
  const part = ctx.services.blobCache.cacheablePart(version);
  return part && ctx.services.blobCache.get(part);
}

/** Nothing is sent yet, so a blob that breaks off mid-body is a 500 the client can retry (not the IncompleteBody it would read as). */
async function readWhole(ctx: OperationContext, body: Readable, part: ManifestPart): Promise<Buffer> {
  try {
    return await collectBody(body);
  } catch (err) {
    ctx.log.warn('blob read broke off', { blobId: part.blobId, err });
    throw new S3Error('InternalError');
  }
}

async function fullBody(ctx: OperationContext, version: ObjectVersion) {
  if (version.size === 0) return undefined;
  return openObjectStream({
    blob: ctx.services.blob,
    orgId: ctx.caller.orgId,
    manifest: version.manifest,
    range: { start: 0, end: version.size - 1 },
    requestId: ctx.requestId,
  });
}

export async function getObject(ctx: OperationContext<'GetObject'>): Promise<S3Result> {
  return readObject(ctx, true);
}
