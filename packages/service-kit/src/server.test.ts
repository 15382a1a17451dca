import http from 'node:http';
import { openRawSocket, type RawSocket } from '@excloud/test-kit';
import { envReader } from './config';
import { readHttpLimits, type HttpLimits } from './http-limits';
import { type HotRoute, readJsonBody, sendJson, withHotPaths } from './hot-path';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';
import { startServer, type RunningServer } from './server';

/** Short limits so misbehaving clients are cut within a second; real ones are well inside them. */
const LIMITS: HttpLimits = readHttpLimits(
  envReader({
    HTTP_HEADERS_TIMEOUT_MS: '600',
    HTTP_REQUEST_TIMEOUT_MS: '2500',
    HTTP_IDLE_TIMEOUT_MS: '500',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '400',
    HTTP_MAX_REQUESTS_PER_CONNECTION: '2',
    HTTP_MAX_CONNECTIONS: '12',
    HTTP_MAX_CONNECTIONS_PER_CLIENT: '6',
    HTTP_LINGER_MS: '300',
  }),
);

/**
 * /read drains the body then answers; /refuse answers 403 without reading; /think waits 1.2 s
 * (longer than the idle timeout) before answering; anything else answers at once.
 */
const handler: http.RequestListener = (req, res) => {
  if (req.url === '/refuse') {
    res.statusCode = 403;
    res.end('refused');
    return;
  }
  if (req.url === '/think') {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('thought'), 1200));
    return;
  }
  req.resume();
  req.on('end', () => res.end('ok'));
};

const head = (path: string, extra = '') => `PUT ${path} HTTP/1.1\r\nHost: t\r\n${extra}`;

describe('HTTP server limits', () => {
  let running: RunningServer;
  const open: RawSocket[] = [];
  const connect = async () => {
    const s = await openRawSocket(running.port);
    open.push(s);
    return s;
  };
  /** A well-behaved client is served while others misbehave. */
  const served = async () => {
    const res = await fetch(`http://127.0.0.1:${running.port}/ok`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  };

  beforeAll(async () => {
    running = await startServer({ handler, host: '127.0.0.1', port: 0, logger: createLogger({}, { level: 'error' }), graceMs: 100, limits: LIMITS });
  });
  afterEach(() => {
    open.splice(0).forEach((s) => s.destroy());
  });
  afterAll(async () => {
    await running.close();
  });

  it('answers RequestTimeout and closes when the body stops arriving', async () => {
    const s = await connect();
    s.write(head('/read', 'Content-Length: 100\r\n\r\nx'));
    await served();
    const ms = await s.closed(3000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.received()).toContain('RequestTimeout');
    expect(s.received()).toMatch(/connection: close/i);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 50);
  });

  it('cuts a body that keeps trickling once the request timeout is over', async () => {
    const s = await connect();
    s.write(head('/read', 'Content-Length: 100000\r\n\r\n'));
    s.drip('x', 100); // never idle, never done
    await served();
    const ms = await s.closed(5000);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    expect(s.received()).toMatch(/^HTTP\/1\.1 408 |^$/);
  });

  it('cuts headers that arrive a byte at a time', async () => {
    const s = await connect();
    s.write('GET / HTTP/1.1\r\n');
    s.drip('X', 100);
    await served();
    const ms = await s.closed(3000);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
  });

  it('closes a connection that never sends a request', async () => {
    const s = await connect();
    const ms = await s.closed(3000);
    expect(ms).toBeLessThan(2000);
  });

  it('does not read a refused body to its end: Connection: close, then the socket is closed', async () => {
    const s = await connect();
    s.write(head('/refuse', 'Content-Length: 100000000\r\n\r\n'));
    s.drip('x', 100); // the socat attack: a byte now and then, forever
    await s.waitFor(/refused$/, 2000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 403 /);
    expect(s.received()).toMatch(/connection: close/i);
    await s.closed(LIMITS.lingerMs + 1500);
    await served();
  });

  it('keeps a connection alive for a request answered after its body was read', async () => {
    const s = await connect();
    s.write(head('/read', 'Content-Length: 2\r\n\r\nab'));
    await s.waitFor(/ok$/, 2000);
    expect(s.received()).toMatch(/connection: keep-alive/i);
  });

  it('does not cut a handler that works longer than the idle timeout', async () => {
    const s = await connect();
    s.write(head('/think', 'Content-Length: 2\r\n\r\nab'));
    await s.waitFor(/thought$/, 3000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('closes after the last request a connection may carry, and idle keep-alive connections', async () => {
    const s = await connect();
    s.write('GET /a HTTP/1.1\r\nHost: t\r\n\r\n');
    await s.waitFor(/ok$/, 2000);
    expect(s.received()).toMatch(/connection: keep-alive/i);
    s.write('GET /b HTTP/1.1\r\nHost: t\r\n\r\n');
    await s.waitFor(/ok[\s\S]*ok$/, 2000);
    expect(s.received().split('HTTP/1.1 200').pop()).toMatch(/connection: close/i);
    await s.closed(2000);

    const idle = await connect();
    idle.write('GET /c HTTP/1.1\r\nHost: t\r\n\r\n');
    await idle.waitFor(/ok$/, 2000);
    const ms = await idle.closed(3000);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 50);
  });

  it('caps the connections of one client address', async () => {
    const held: RawSocket[] = [];
    for (let i = 0; i < LIMITS.maxConnectionsPerClient; i++) held.push(await connect());
    // Requests keep the held sockets busy (and in the count) while the extra one is refused.
    held.forEach((s) => s.write(head('/read', 'Content-Length: 10\r\n\r\n')));
    const extra = await connect();
    extra.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    // Closed on accept: no answer, and sooner than any timeout would have closed it.
    expect(await extra.closed(1000)).toBeLessThan(LIMITS.idleTimeoutMs);
    expect(extra.received()).toBe('');
    held.pop()!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await connect();
    again.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    await again.waitFor(/ok$/, 2000);
  });
});

describe('HTTP server connection cap per process', () => {
  it('closes connections beyond the cap on accept and serves again once one is gone', async () => {
    const limits = readHttpLimits(envReader({ HTTP_MAX_CONNECTIONS: '3', HTTP_MAX_CONNECTIONS_PER_CLIENT: '3', HTTP_IDLE_TIMEOUT_MS: '5000' }));
    const running = await startServer({ handler, host: '127.0.0.1', port: 0, logger: createLogger({}, { level: 'error' }), graceMs: 100, limits });
    const held = await Promise.all([0, 1, 2].map(() => openRawSocket(running.port)));
    try {
      await Promise.all(held.map(async (s) => {
        s.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
        await s.waitFor(/ok$/, 2000);
      }));
      const extra = await openRawSocket(running.port);
      extra.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
      expect(await extra.closed(1000)).toBeLessThan(1000);
      expect(extra.received()).toBe('');
      held.pop()!.destroy();
      await new Promise((r) => setTimeout(r, 50));
      const again = await openRawSocket(running.port);
      again.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
      await again.waitFor(/ok$/, 2000);
      again.destroy();
    } finally {
      held.forEach((s) => s.destroy());
      await running.close();
    }
  });
});

describe('HTTP limits config', () => {
  it('has defaults and refuses contradictions, naming the variable', () => {
    expect(readHttpLimits(envReader({}), true)).toMatchObject({ headersTimeoutMs: 20_000, idleTimeoutMs: 20_000, maxConnectionsPerClient: 1000 });
    // Internal servers outwait the gateway, which answers the stalled client itself.
    expect(readHttpLimits(envReader({})).idleTimeoutMs).toBeGreaterThan(readHttpLimits(envReader({}), true).idleTimeoutMs);
    expect(() => readHttpLimits(envReader({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }))).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => readHttpLimits(envReader({ HTTP_MAX_CONNECTIONS: '10', HTTP_MAX_CONNECTIONS_PER_CLIENT: '20' }))).toThrow(/HTTP_MAX_CONNECTIONS_PER_CLIENT/);
    expect(() => readHttpLimits(envReader({ HTTP_IDLE_TIMEOUT_MS: '0' }))).toThrow(/HTTP_IDLE_TIMEOUT_MS/);
  });
});

/**
 * blob and metadata serve their hot routes with plain node:http handlers (withHotPaths) wrapped
 * around Express: the limits are applied by startServer around whatever handler it is given, so
 * a hot route is cut exactly as an Express route is.
 */
describe('HTTP limits on hot paths (withHotPaths)', () => {
  let running: RunningServer;
  const open: RawSocket[] = [];
  const logger = createLogger({}, { level: 'error' });
  const metrics = createServiceMetrics('hot-test');
  const handedOver: HotRoute = { operation: 'handed_over', handle: async ({ fallback }) => fallback() };
  const bodyOutcomes: string[] = [];
  /** Until the watched route has read (or failed to read) a body, for at most a second. */
  const bodyOutcome = async () => {
    for (let i = 0; i < 100 && bodyOutcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  };
  const watched: HotRoute = {
    operation: 'watched',
    async handle({ req, res }) {
      const body = await readJsonBody<{ n: number }>(req, 64).catch((err: Error) => {
        bodyOutcomes.push(`failed: ${err.message}`);
        throw err;
      });
      bodyOutcomes.push(`read ${body.n}`);
      sendJson(res, 200, body);
    },
  };
  // Reads the body only after a pause, as a route does that checks the caller first.
  const late: HotRoute = {
    operation: 'late',
    async handle({ req, res }) {
      await new Promise((r) => setTimeout(r, 100));
      await watched.handle({ req, res } as Parameters<HotRoute['handle']>[0]);
    },
  };
  const hot: HotRoute = {
    operation: 'hot',
    async handle({ req, res }) {
      const body = await readJsonBody<{ n: number }>(req, 64);
      sendJson(res, 200, { n: body.n });
    },
  };

  beforeAll(async () => {
    const fallback: http.RequestListener = (_req, res) => res.end('express');
    const routes: Record<string, HotRoute> = { '/hot': hot, '/hand-over': handedOver, '/watched': watched, '/late': late };
    const route = (req: http.IncomingMessage) => routes[req.url ?? ''];
    const handler = withHotPaths({ logger, metrics, route, fallback });
    running = await startServer({ handler, host: '127.0.0.1', port: 0, logger, graceMs: 100, limits: LIMITS });
  });
  afterEach(() => {
    open.splice(0).forEach((s) => s.destroy());
  });
  afterAll(async () => {
    await running.close();
  });

  it('answers RequestTimeout and closes when a hot route body stops arriving', async () => {
    const s = await openRawSocket(running.port);
    open.push(s);
    s.write(head('/hot', 'Content-Length: 40\r\n\r\n{"n":'));
    const ms = await s.closed(3000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.received()).toContain('RequestTimeout');
    expect(ms).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 50);
  });

  it('closes the connection after refusing an oversized hot route body', async () => {
    const s = await openRawSocket(running.port);
    open.push(s);
    s.write(head('/hot', `Content-Length: 100000\r\n\r\n${'x'.repeat(1000)}`));
    await s.closed(3000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.received()).toMatch(/connection: close/i);
  });

  it('a request a hot route hands to the fallback is not counted by the hot route (the fallback counts it)', async () => {
    const res = await fetch(`http://127.0.0.1:${running.port}/hand-over`);
    expect(await res.text()).toBe('express');
    const counted = (await metrics.httpRequests.get()).values.filter((v) => v.labels.operation === 'handed_over');
    expect(counted).toEqual([]);
  });

  /** Sends part of a 40-byte body to `path`, leaves after `ms`, and waits for the route's outcome. */
  async function leaveMidBody(path: string, ms: number): Promise<void> {
    bodyOutcomes.length = 0;
    const s = await openRawSocket(running.port);
    open.push(s);
    s.write(head(path, 'Content-Length: 40\r\n\r\n{"n":'));
    await new Promise((r) => setTimeout(r, ms));
    s.destroy();
    await bodyOutcome();
  }

  it('fails the body read, instead of leaving the route waiting, when the client goes away mid-body', async () => {
    await leaveMidBody('/watched', 50);
    // Node reports the cut as an 'aborted' error before 'close'.
    expect(bodyOutcomes).toEqual([expect.stringMatching(/^failed: (aborted|request closed before its body ended)$/)]);
  });

  it('fails the body read at once when the client left before the route started reading', async () => {
    await leaveMidBody('/late', 20);
    expect(bodyOutcomes).toEqual(['failed: request closed before its body ended']);
  });

  it('survives a reset of a refused body that was left unread', async () => {
    bodyOutcomes.length = 0;
    const s = await openRawSocket(running.port);
    open.push(s);
    s.write(head('/watched', `Content-Length: 100000\r\n\r\n${'x'.repeat(1000)}`));
    await bodyOutcome();
    expect(bodyOutcomes).toEqual(['failed: request body exceeds 64 bytes']);
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    // The server is still there and serves the next request.
    const res = await fetch(`http://127.0.0.1:${running.port}/hot`, { method: 'PUT', body: '{"n":3}' });
    expect(await res.json()).toEqual({ n: 3 });
  });

  it('reads a body that arrives in several pieces, and refuses one that is not JSON', async () => {
    bodyOutcomes.length = 0;
    const s = await openRawSocket(running.port);
    open.push(s);
    s.write(head('/watched', 'Content-Length: 8\r\n\r\n{"n"'));
    await new Promise((r) => setTimeout(r, 30));
    s.write(':42}');
    await bodyOutcome();
    expect(bodyOutcomes).toEqual(['read 42']);
    const res = await fetch(`http://127.0.0.1:${running.port}/watched`, { method: 'PUT', body: '{"n":' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('request body is not JSON');
  });

  it('serves a well-formed hot request', async () => {
    const res = await fetch(`http://127.0.0.1:${running.port}/hot`, { method: 'PUT', body: '{"n":7}' });
    expect(await res.json()).toEqual({ n: 7 });
  });
});
