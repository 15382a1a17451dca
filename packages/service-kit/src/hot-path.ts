import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { S3Error, isS3Error } from '@excloud/s3-protocol';
import { REQUEST_ID_HEADER, internalError, newRequestId } from './app';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';

/**
 * The hot internal routes (blob put/get/delete, metadata commit and read) skip Express: a plain
 * `node:http` handler with the same request id, access metrics and error wire format, and no
 * middleware chain. Everything else (health, metrics, admin and maintenance routes) falls through
 * to the service's Express app.
 */
export interface HotRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  log: Logger;
  /**
   * Hands the request to the fallback (Express) app after all, e.g. for a caller the hot route
   * does not serve. The fallback then counts it in the metrics; the hot route does not, so the
   * request is counted once.
   */
  fallback(): void;
}

export interface HotRoute {
  /** The metric label: a closed set, never a path. */
  operation: string;
  handle(ctx: HotRequest): Promise<void>;
}

export function withHotPaths(opts: {
  logger: Logger;
  metrics: ServiceMetrics;
  route: (req: IncomingMessage) => HotRoute | undefined;
  fallback: RequestListener;
}): RequestListener {
  return (req, res) => {
    const route = opts.route(req);
    if (!route) return opts.fallback(req, res);
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incoming === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(incoming) ? incoming : newRequestId();
    const log = opts.logger.child({ requestId });
    const started = process.hrtime.bigint();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    let handedOver = false;
    const fallback = () => {
      handedOver = true;
      opts.fallback(req, res);
    };
    res.once('finish', () => {
      if (handedOver) return;
      const labels = { operation: route.operation, status: String(res.statusCode) };
      opts.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      opts.metrics.httpRequests.inc(labels);
    });
    route.handle({ req, res, requestId, log, fallback }).catch((err: unknown) => sendError(res, err, log));
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

/** The same wire format as finishServiceApp: the caller rebuilds the same S3Error. */
export function sendError(res: ServerResponse, err: unknown, log: Logger): void {
  const s3err = isS3Error(err) ? err : internalError(err, log);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, s3err.status, s3err.toWire());
}

/**
 * Reads a small JSON request body (the caller bounds it); malformed JSON is the caller's error.
 * Listeners, not `for await`: the stream's async iterator costs a generator, a promise per chunk
 * and an end-of-stream watcher, ~4 % of the metadata service's CPU per commit.
 */
export function readJsonBody<T>(req: IncomingMessage, maxBytes: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Gone while the route was still checking the caller: its 'close' will not come again.
    if (req.destroyed && !req.readableEnded) return reject(new Error('request closed before its body ended'));
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: Error | undefined, value?: T) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(value as T);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= maxBytes) return;
      // The rest of the body is left unread: the error response closes the connection.
      settle(new S3Error('InvalidRequest', `request body exceeds ${maxBytes} bytes`));
    };
    const onEnd = () => {
      try {
        settle(undefined, JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as T);
      } catch {
        settle(new S3Error('InvalidRequest', 'request body is not JSON'));
      }
    };
    const onFailure = (err: Error) => settle(err);
    const onClose = () => settle(new Error('request closed before its body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('close', onClose);
  });
}
