import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stop accepting, let in-flight requests finish (bounded by graceMs), then run cleanup. */
  close(): Promise<void>;
}

export async function startServer(opts: {
  handler: http.RequestListener;
  host: string;
  port: number;
  logger: Logger;
  graceMs: number;
  onClose?: () => Promise<void>;
}): Promise<RunningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, opts.handler);
  // Internal callers and S3 clients keep connections alive; headers must still arrive promptly.
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), opts.graceMs);
      timer.unref();
      await done;
      clearTimeout(timer);
      await opts.onClose?.();
    })());
  return { server, port, close };
}

/** SIGTERM/SIGINT: graceful stop of everything registered, then exit. */
export function installShutdown(logger: Logger, closers: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    try {
      for (const close of closers) await close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { err: err as Error });
      process.exit(1);
    }
  };
  // `on`, not `once`: a second signal while draining (Ctrl-C reaches the whole process group and
  // wrappers such as pnpm and tsx relay it again) must not fall back to the default and kill us
  // before Postgres and the services have stopped.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
