import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { S3Error, renderErrorXml } from '@excloud/s3-protocol';
import type { S3Result } from './context';

/** One place renders every handler result. */
export async function sendResult(res: ServerResponse, result: S3Result, isHead: boolean): Promise<void> {
  res.statusCode = result.status ?? 200;
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (value !== undefined) res.setHeader(name, value);
  }
  if (result.xml !== undefined) {
    const body = Buffer.from(result.xml, 'utf8');
    res.setHeader('content-type', 'application/xml');
    res.setHeader('content-length', body.length);
    res.end(isHead ? undefined : body);
    return;
  }
  if (result.body && !isHead) {
    // Whichever side breaks first decides who failed: pipeline then destroys the other side too.
    let first: BrokenBodyError['side'] | undefined;
    result.body.once('error', () => (first ??= 'server'));
    res.once('close', () => {
      if (!res.writableFinished) first ??= 'client';
    });
    try {
      await pipeline(result.body, res);
    } catch (err) {
      throw new BrokenBodyError(first ?? 'server', err);
    }
    return;
  }
  result.body?.destroy();
  if (!res.hasHeader('content-length') && res.statusCode !== 204 && res.statusCode !== 304) res.setHeader('content-length', 0);
  res.end();
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
