import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { collectBody } from '@excloud/internal-client';
import { S3Error, renderErrorXml } from '@excloud/s3-protocol';
import type { S3Result } from './context';

/** One place renders every handler result. */
export async function sendResult(res: ServerResponse, result: S3Result, isHead: boolean): Promise<void> {
  res.statusCode = result.status ?? 200;
  let nonAscii = false;
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (value === undefined) continue;
    res.setHeader(name, value);
    if (typeof value === 'string' && NON_ASCII.test(value)) nonAscii = true;
  }
  if (result.xml !== undefined) {
    const body = Buffer.from(result.xml, 'utf8');
    res.setHeader('content-type', 'application/xml');
    res.setHeader('content-length', body.length);
    res.end(isHead ? undefined : body);
    return;
  }
  if (Buffer.isBuffer(result.body)) {
    sendBuffer(res, result.body, isHead, nonAscii);
    return;
  }
  if (result.body && !isHead) {
    const length = Number(res.getHeader('content-length'));
    if (length <= SMALL_BODY_BYTES && !nonAscii) await sendWhole(result.body, res);
    else await relay(result.body, res);
    return;
  }
  result.body?.destroy();
  if (!res.hasHeader('content-length') && res.statusCode !== 204 && res.statusCode !== 304) res.setHeader('content-length', 0);
  res.end();
}

/** Bodies up to this size are gathered and sent with the head in one write (piping costs a write each). */
const SMALL_BODY_BYTES = 64 * 1024;
/**
 * Node's HTTP client (v20) misreads a Latin-1 Content-Disposition (é arrives as ý) when the head
 * and the body reach it in one packet; heads carrying such values keep the two-write path.
 */
const NON_ASCII = /[^\x00-\x7f]/;

/** A body already whole. res.end(body) would garble a Latin-1 header value (see NON_ASCII), so such a head goes out with a write. */
function sendBuffer(res: ServerResponse, body: Buffer, isHead: boolean, nonAscii: boolean): void {
  if (isHead) {
    res.end();
  } else if (nonAscii) {
    res.write(body);
    res.end();
  } else {
    res.end(body);
  }
}

async function sendWhole(body: Readable, res: ServerResponse): Promise<void> {
  let whole: Buffer;
  try {
    whole = await collectBody(body);
  } catch (err) {
    throw new BrokenBodyError('server', err);
  }
  if (res.destroyed) throw new BrokenBodyError('client', new Error('premature close'));
  res.end(whole);
}

/**
 * Pipes a response body with backpressure; whichever side breaks first decides who failed, and
 * the other side is destroyed too. What stream.pipeline does, without its per-call
 * AbortController (and the DOMException it builds when it finishes).
 */
function relay(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: BrokenBodyError) => {
      if (settled) return;
      settled = true;
      body.off('error', onBodyError);
      body.off('close', onBodyClose);
      res.off('close', onResClose);
      res.off('error', onResError);
      res.off('finish', onFinish);
      if (!err) return resolve();
      body.unpipe(res);
      body.destroy();
      res.destroy();
      reject(err);
    };
    const onBodyError = (err: Error) => settle(new BrokenBodyError('server', err));
    // A body destroyed without an error never ends: the response would wait forever.
    const onBodyClose = () => {
      if (!body.readableEnded) settle(new BrokenBodyError('server', new Error('premature close')));
    };
    const onResError = (err: Error) => settle(new BrokenBodyError('client', err));
    const onResClose = () => {
      if (!res.writableFinished) settle(new BrokenBodyError('client', new Error('premature close')));
    };
    const onFinish = () => settle();
    body.on('error', onBodyError);
    body.on('close', onBodyClose);
    res.on('error', onResError);
    res.on('close', onResClose);
    res.on('finish', onFinish);
    body.pipe(res);
  });
}

/** One place renders every error: XML body (none for HEAD), status, request id. */
export function sendError(res: ServerResponse, err: S3Error, requestId: string, isHead: boolean, resource?: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    // The body already started: the only honest signal left is a broken connection.
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) {
    if (name !== 'x-amz-request-id' && name !== 'x-amz-id-2') res.removeHeader(name);
  }
  res.statusCode = err.status;
  // extraHeaders: the bucket's CORS headers, which S3 also sends on errors.
  for (const [name, value] of Object.entries({ ...extraHeaders, ...err.headers })) res.setHeader(name, value);
  if (isHead || err.status === 304 || err.bodiless) {
    res.end();
    return;
  }
  const body = Buffer.from(renderErrorXml(err, requestId, resource), 'utf8');
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', body.length);
  res.end(body);
}

/** A response body that broke off after the status line was sent, and which side broke it. */
export class BrokenBodyError extends Error {
  constructor(
    readonly side: 'server' | 'client',
    override readonly cause: unknown,
  ) {
    super(`response body broke off (${side === 'client' ? 'client went away' : 'source failed'}): ${(cause as Error)?.message ?? cause}`);
  }
}
