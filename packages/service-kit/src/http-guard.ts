import http from 'node:http';
import type { Socket } from 'node:net';
import { S3Error } from '@excloud/s3-protocol';
import type { HttpLimits } from './http-limits';
import type { Logger } from './logger';

/** How a server answers a client cut for idling mid-body (internal services: the JSON wire form). */
export type TimeoutRenderer = (res: http.ServerResponse, err: S3Error) => void;

export const renderWireError: TimeoutRenderer = (res, err) => {
  const body = JSON.stringify(err.toWire());
  res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const UNREAD_BODY = Symbol('unreadBody');

/** True when the request announced a body (a request without one is complete once its headers are). */
function announcesBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A response sent before its request's body was read ends the connection: otherwise the server
 * would have to read the rest of a body it refused (Node drains it, as long as the client keeps
 * sending) to find the next request. `Connection: close` tells the client; `guardServer` then
 * closes the socket after a short linger.
 */
export class ClosingResponse<Req extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<Req> {
  [UNREAD_BODY]?: boolean;
}
const baseWriteHead = http.ServerResponse.prototype.writeHead as (...args: unknown[]) => http.ServerResponse;
ClosingResponse.prototype.writeHead = function writeHead(this: ClosingResponse, ...args: unknown[]) {
  if (!this.req.complete && announcesBody(this.req)) {
    this.shouldKeepAlive = false;
    this[UNREAD_BODY] = true;
  }
  return baseWriteHead.apply(this, args);
} as typeof http.ServerResponse.prototype.writeHead;

/** Node checks header and request timeouts on an interval: a quarter of the shortest keeps the overshoot small. */
export function checkingIntervalMs(limits: HttpLimits): number {
  return Math.max(50, Math.min(5000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

/**
 * Applies the limits Node has no option for: connection caps per client address, the idle
 * timeout while a body arrives or a response leaves (not while the handler itself works), and
 * the linger-then-close after a refused body. Returns `track`, to be called for every request.
 */
export function guardServer(server: http.Server, limits: HttpLimits, logger: Logger, render: TimeoutRenderer) {
  const active = new WeakMap<Socket, { req: http.IncomingMessage; res: ClosingResponse }>();
  const perClient = new Map<string, number>();
  const refusals = rateLimitedLog(logger);

  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = limits.maxRequestsPerConnection;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Socket inactivity while a request is in flight; Node swaps in keepAliveTimeout between requests.
  server.timeout = limits.idleTimeoutMs;
  server.on('drop', () => refusals('process'));

  // Before http's own listener, so a refused socket never gets a parser.
  server.prependListener('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? '';
    const held = perClient.get(client) ?? 0;
    if (held >= limits.maxConnectionsPerClient) {
      refusals('client');
      socket.destroy();
      return;
    }
    perClient.set(client, held + 1);
    socket.once('close', () => {
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    });
  });

  server.on('timeout', (socket: Socket) => {
    const current = active.get(socket);
    // Idle between requests, or headers that stopped arriving.
    if (!current) return socket.destroy();
    const { req, res } = current;
    if (req.complete && !res.headersSent) {
      // The handler is still working (its upstream calls carry their own timeouts): wait again.
      socket.setTimeout(limits.idleTimeoutMs);
      return;
    }
    if (res.headersSent) return socket.destroy(); // a client that stopped reading
    // A body that stopped arriving: answer as S3 does, then close without lingering.
    res.once('finish', () => socket.destroy());
    try {
      render(res, new S3Error('RequestTimeout'));
    } catch {
      socket.destroy();
    }
  });

  return function track(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    const entry = { req, res: res as ClosingResponse };
    active.set(socket, entry);
    res.once('finish', () => {
      if (!(res as ClosingResponse)[UNREAD_BODY]) return;
      // Keep discarding what the client still sends, so it reads our answer rather than a reset.
      const timer = setTimeout(() => socket.destroy(), limits.lingerMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    });
    res.once('close', () => {
      if (active.get(socket) === entry) active.delete(socket);
    });
  };
}

/** Refused connections are counted and logged at most once a minute: an attack must not flood the logs. */
function rateLimitedLog(logger: Logger) {
  const counts = { process: 0, client: 0 };
  let last = 0;
  return (cap: keyof typeof counts) => {
    counts[cap] += 1;
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    logger.warn('connections refused at the cap', { perProcess: counts.process, perClient: counts.client });
    counts.process = 0;
    counts.client = 0;
  };
}
