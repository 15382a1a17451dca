import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { asOrgId } from '@excloud/contracts';
import { BlobClient, SMALL_BODY_BYTES } from './blob';
import { InternalClient, readAll } from './http';

/** What the test server saw of each request. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  sha256: string;
  complete: boolean;
  socket: number;
}

describe('InternalClient over its own connection pool', () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  const sockets = new Map<unknown, number>();
  let responseClosedEarly: Promise<void>;
  let markResponseClosedEarly: () => void;
  const big = randomBytes(3 * 1024 * 1024 + 17);
  // Exactly the response stream's high-water mark: its last chunk both fills the stream and ends the body.
  const quarter = randomBytes(256 * 1024);

  beforeAll(async () => {
    responseClosedEarly = new Promise((r) => (markResponseClosedEarly = r));
    server = http.createServer((req, res) => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      const hash = createHash('sha256');
      let bytes = 0;
      const entry: Seen = { method: req.method!, url: req.url!, headers: req.headers, bytes: 0, sha256: '', complete: false, socket: sockets.get(req.socket)! };
      seen.push(entry);
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      req.on('end', () => {
        entry.bytes = bytes;
        entry.sha256 = hash.digest('hex');
        entry.complete = true;
        if (req.url === '/quarter') {
          res.writeHead(200, { 'content-length': quarter.length });
          res.end(quarter);
        } else if (req.url === '/big') {
          res.writeHead(200, { 'content-length': big.length });
          res.end(big);
        } else if (req.url === '/endless') {
          // Writes until the client goes away.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.on('close', () => markResponseClosedEarly());
          const more = () => {
            while (!res.destroyed && res.write(big.subarray(0, 65_536)));
          };
          res.on('drain', more);
          more();
        } else if (req.url === '/chunked') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"parts":');
          res.end('[1,2,3]}');
        } else if (req.url === '/early') {
          // never reached: /early answers before the body ends (below)
        } else res.end(JSON.stringify({ bytes, sha256: entry.sha256 }));
      });
      if (req.url === '/early') {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'EntityTooLarge', message: 'too big', status: 400 } }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('streams a large request body chunked, every byte in order', async () => {
    const body = Readable.from((function* () {
      for (let off = 0; off < big.length; off += 65_536) yield big.subarray(off, off + 65_536);
    })());
    const res = await new InternalClient(base).json<{ bytes: number; sha256: string }>({ method: 'PUT', path: '/up', stream: body });
    expect(res).toEqual({ bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') });
    expect(seen.at(-1)!.headers['transfer-encoding']).toBe('chunked');
  });

  it('streams a large response body with backpressure', async () => {
    const res = await new InternalClient(base).raw({ method: 'GET', path: '/big' });
    expect(res.statusCode).toBe(200);
    // A slow consumer: the client must hold the socket back rather than buffer it all.
    const slow = new PassThrough({ highWaterMark: 1024 });
    res.pipe(slow);
    const got = await readAll(slow);
    expect(got.equals(big)).toBe(true);
  });

  it('reuses a connection whose body ended while its reader was behind', async () => {
    const client = new InternalClient(base, 2_000);
    const res = await client.raw({ method: 'GET', path: '/quarter' });
    // Nobody reads until the whole body has arrived: the client paused the socket on the last chunk.
    await new Promise((r) => setTimeout(r, 200));
    expect((await readAll(res)).equals(quarter)).toBe(true);
    // The next call takes the same keep-alive connection; a socket left paused would never answer.
    expect(await client.json({ method: 'GET', path: '/after-quarter' })).toMatchObject({ bytes: 0 });
    const [a, b] = seen.slice(-2);
    expect(a!.socket).toBe(b!.socket);
  });

  it('parses chunked responses', async () => {
    expect(await new InternalClient(base).json({ method: 'GET', path: '/chunked' })).toEqual({ parts: [1, 2, 3] });
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const client = new InternalClient(base);
    await client.json({ method: 'GET', path: '/a' });
    await client.json({ method: 'GET', path: '/b' });
    const [a, b] = seen.slice(-2);
    expect(a!.socket).toBe(b!.socket);
  });

  it('sends again a GET whose idle connection the server had closed', async () => {
    const client = new InternalClient(base);
    await client.json({ method: 'GET', path: '/warm' });
    server.closeIdleConnections();
    expect(await client.json({ method: 'GET', path: '/after-close' })).toMatchObject({ bytes: 0 });
  });

  it('rejects with the body error and cuts the upstream request when the body fails', async () => {
    const body = new PassThrough();
    const arrived = new Promise((r) => server.once('request', r));
    const call = new InternalClient(base).json({ method: 'PUT', path: '/fails', stream: body });
    body.write(Buffer.alloc(1000));
    await arrived;
    const boom = new Error('client went away');
    body.destroy(boom);
    await expect(call).rejects.toBe(boom);
    expect(seen.find((s) => s.url === '/fails')!.complete).toBe(false);
  });

  it('answers the server error when it refuses a body before it ends', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(1000));
    const call = new InternalClient(base).json({ method: 'PUT', path: '/early', stream: body });
    await expect(call).rejects.toMatchObject({ code: 'EntityTooLarge' });
    // The connection was out of step: the next call still works (on a fresh one).
    expect(await new InternalClient(base).json({ method: 'GET', path: '/next' })).toMatchObject({ bytes: 0 });
  });

  it('closes the upstream connection when the response body is destroyed midway', async () => {
    const res = await new InternalClient(base).raw({ method: 'GET', path: '/endless' });
    await new Promise((r) => res.once('data', r));
    res.destroy();
    await responseClosedEarly;
  });

  it('refuses a header value that would split the request', async () => {
    await expect(new InternalClient(base).json({ method: 'GET', path: '/x', headers: { 'x-evil': 'a\r\nx-injected: 1' } })).rejects.toThrow(/invalid character/);
    expect(seen.some((s) => s.headers['x-injected'] !== undefined)).toBe(false);
  });

  it('sends a small blob body whole with its length, a large one streamed', async () => {
    const blob = new BlobClient(base, () => 'capability');
    const small = randomBytes(SMALL_BODY_BYTES);
    await blob.put(asOrgId('org1'), Readable.from([small.subarray(0, 1000), small.subarray(1000)]), { contentLength: small.length });
    expect(seen.at(-1)!.headers['content-length']).toBe(String(small.length));
    expect(seen.at(-1)!.sha256).toBe(createHash('sha256').update(small).digest('hex'));
    const large = randomBytes(SMALL_BODY_BYTES + 1);
    await blob.put(asOrgId('org1'), Readable.from([large]), { contentLength: large.length });
    expect(seen.at(-1)!.headers['transfer-encoding']).toBe('chunked');
    expect(seen.at(-1)!.bytes).toBe(large.length);
  });

  it('rejects a small blob body that closes before it ends, sending nothing', async () => {
    const blob = new BlobClient(base, () => 'capability');
    const before = seen.length;
    const body = new PassThrough();
    body.write(Buffer.alloc(10));
    const put = blob.put(asOrgId('org1'), body, { contentLength: 100 });
    setImmediate(() => body.destroy());
    await expect(put).rejects.toMatchObject({ code: 'IncompleteBody' });
    expect(seen.length).toBe(before);
  });
});
