import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { S3Error, isS3Error } from '@excloud/s3-protocol';
import type { Logger } from './logger';
import { readinessGauge, type ServiceMetrics } from './metrics';

export const REQUEST_ID_HEADER = 'x-request-id';

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Throws when a dependency this service needs is unusable. */
  ready: () => Promise<void>;
}

/**
 * The app every internal service starts from: request ids, access log, metrics by operation,
 * health endpoints. Routes are added by the service; `finishServiceApp` adds the error handler.
 */
export function createServiceApp(opts: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: opts.name });
  });
  readinessGauge(opts.metrics, opts.ready);
  app.get('/readyz', async (_req, res) => {
    try {
      await opts.ready();
      res.json({ status: 'ready', service: opts.name });
    } catch (err) {
      res.status(503).json({ status: 'not ready', service: opts.name, reason: (err as Error).message });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', opts.metrics.registry.contentType);
    res.end(await opts.metrics.registry.metrics());
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incoming === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(incoming) ? incoming : newRequestId();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.locals.operation = 'other';
    res.locals.log = opts.logger.child({ requestId });
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { operation: String(res.locals.operation), status: String(res.statusCode) };
      opts.metrics.httpDuration.observe(labels, seconds);
      opts.metrics.httpRequests.inc(labels);
      (res.locals.log as Logger).debug('request', {
        method: req.method,
        operation: labels.operation,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      });
    });
    next();
  });
  return app;
}

/** Errors travel as JSON between services and are rebuilt as the same S3Error on the caller side. */
export function finishServiceApp(app: Express, logger: Logger): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).json(new S3Error('InvalidRequest', 'no such internal route').toWire());
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const log: Logger = res.locals.log ?? logger;
    const s3err = isS3Error(err) ? err : internalError(err, log);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(s3err.status).json(s3err.toWire());
  });
}

/**
 * Postgres unreachable, restarting or shutting down (node errors and SQLSTATE classes 08 and 57P):
 * the request may well succeed when retried, so it is 503 ServiceUnavailable, which SDKs retry,
 * not a 500 that reads as our bug.
 */
const DATABASE_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

function databaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && DATABASE_UNAVAILABLE.has(code)) return true;
  return err instanceof Error && /^Connection terminated|timeout exceeded when trying to connect/i.test(err.message);
}

/** The one rendering of an error that is not an S3Error: logged with its stack, never echoed. */
export function internalError(err: unknown, log: Logger): S3Error {
  const error = err instanceof Error ? err : new Error(String(err));
  if (databaseUnavailable(err)) {
    log.warn('database unavailable', { err: error });
    return new S3Error('ServiceUnavailable', 'the database is unavailable; retry the request');
  }
  log.error('unhandled error', { err: error });
  return new S3Error('InternalError');
}
