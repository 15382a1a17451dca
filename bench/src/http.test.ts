import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpError } from './http';
import { ResponseParser, type ParsedHead } from '@excloud/internal-client';

function parseInPieces(raw: Buffer, split: (len: number) => number[], noBody = false) {
  let head: ParsedHead | undefined;
  const body: Buffer[] = [];
  let complete = 0;
  const parser = new ResponseParser({ onHead: (h) => (head = h), onBody: (c) => body.push(Buffer.from(c)), onComplete: () => complete++ }, noBody);
  let off = 0;
  let consumed = 0;
  for (const n of split(raw.length)) {
    // A fresh buffer per piece, as the socket's reused read buffer would be.
    consumed += parser.push(Buffer.from(raw.subarray(off, off + n)));
    off += n;
  }
  return { head, body: Buffer.concat(body), complete, consumed };
}

const whole = (len: number) => [len];
const bytewise = (len: number) => Array(len).fill(1);
const random = (len: number) => {
  const out: number[] = [];
  for (let left = len; left > 0; ) {
    const n = Math.min(left, 1 + Math.floor(Math.random() * 7));
    out.push(n);
    left -= n;
  }
  return out;
};

describe('ResponseParser', () => {
  const body = Buffer.from('hello, world: '.repeat(50));
  const fixed = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "abc"\r\nX-Multi: a\r\nx-multi: b\r\n\r\n`), body]);
  const chunked = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nx-trailer: t\r\n\r\n');

  it.each([['whole', whole], ['byte by byte', bytewise], ['random pieces', random]])('reads Content-Length and chunked bodies fed %s', (_n, split) => {
    const a = parseInPieces(fixed, split);
    expect(a.head).toMatchObject({ status: 200, close: false, headers: { etag: '"abc"', 'x-multi': 'a, b' } });
    expect(a.body.equals(body)).toBe(true);
    expect([a.complete, a.consumed]).toEqual([1, fixed.length]);
    const b = parseInPieces(chunked, split);
    expect(b.body.toString()).toBe('hello, chunked!');
    expect([b.complete, b.consumed]).toEqual([1, chunked.length]);
  });

  it('knows HEAD, 204 and interim responses carry no body', () => {
    const head = parseInPieces(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n'), whole, true);
    expect([head.complete, head.body.length]).toEqual([1, 0]);
    const noContent = parseInPieces(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), whole);
    expect(noContent.complete).toBe(1);
    const interim = parseInPieces(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'), random);
    expect([interim.head!.status, interim.body.toString()]).toEqual([201, 'ok']);
  });

  it('stops at the end of the message, reads until close without a length, and refuses garbage', () => {
    const two = Buffer.concat([fixed, Buffer.from('HTTP/1.1 200 OK\r\n')]);
    expect(parseInPieces(two, whole).consumed).toBe(fixed.length);
    let done = false;
    const p = new ResponseParser({ onHead: () => undefined, onBody: () => undefined, onComplete: () => (done = true) });
    p.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nstreamed'));
    expect(p.readsUntilClose).toBe(true);
    p.end();
    expect(done).toBe(true);
    const cut = new ResponseParser({ onHead: () => undefined, onBody: () => undefined, onComplete: () => undefined });
    cut.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => cut.end()).toThrow(/closed before/);
    expect(() => parseInPieces(Buffer.from('SMTP ready\r\n\r\n'), whole)).toThrow(/status line/);
  });
});

describe('HttpClient against a real server', () => {
  let server: http.Server;
  let client: HttpClient;
  const sockets = new Set<unknown>();
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const got = Buffer.concat(chunks);
        if (req.url === '/big') return res.end(big);
        if (req.url === '/chunked') {
          res.write('part one, ');
          return setTimeout(() => res.end('part two'), 5);
        }
        if (req.url === '/missing') {
          res.statusCode = 404;
          return res.end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>');
        }
        res.setHeader('x-method', req.method!);
        res.setHeader('x-received', String(got.length));
        res.end(req.method === 'HEAD' ? undefined : `echo ${got.length}`);
      });
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new HttpClient('127.0.0.1', (server.address() as AddressInfo).port);
  });

  afterAll(async () => {
    client.close();
    await new Promise((r) => server.close(r));
  });

  it('sends bodies, reuses one keep-alive connection, streams big bodies to a sink', async () => {
    const put = await client.request({ method: 'PUT', path: '/x', headers: { host: client.hostHeader }, body: Buffer.alloc(100_000, 1) });
    expect(put.headers['x-received']).toBe('100000');
    expect(put.body.toString()).toBe('echo 100000');
    let seen = 0;
    const get = await client.request({ method: 'GET', path: '/big', headers: { host: client.hostHeader }, sink: (c) => (seen += c.length) });
    expect([seen, get.length, get.body.length]).toEqual([big.length, big.length, 0]);
    const chunked = await client.request({ method: 'GET', path: '/chunked', headers: { host: client.hostHeader } });
    expect(chunked.body.toString()).toBe('part one, part two');
    const head = await client.request({ method: 'HEAD', path: '/h', headers: { host: client.hostHeader } });
    expect(head.headers['x-method']).toBe('HEAD');
    expect(sockets.size).toBe(1);
  });

  it('turns error answers into HttpError with the S3 code', async () => {
    await expect(client.request({ method: 'GET', path: '/missing', headers: { host: client.hostHeader } })).rejects.toMatchObject({ status: 404, code: 'NoSuchKey' });
    await expect(client.request({ method: 'GET', path: '/missing', headers: { host: client.hostHeader } })).rejects.toBeInstanceOf(HttpError);
  });

  it('retries once when the server dropped an idle keep-alive connection', async () => {
    await client.request({ method: 'GET', path: '/a', headers: { host: client.hostHeader } });
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 50));
    const res = await client.request({ method: 'GET', path: '/b', headers: { host: client.hostHeader } });
    expect(res.status).toBe(200);
  });

  it('aborts a request in flight', async () => {
    const controller = new AbortController();
    const p = client.request({ method: 'GET', path: '/chunked', headers: { host: client.hostHeader }, signal: controller.signal });
    controller.abort(new Error('cell hard deadline'));
    await expect(p).rejects.toThrow('cell hard deadline');
  });
});
