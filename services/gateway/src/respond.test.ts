import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { BrokenBodyError, sendResult } from './respond';

/** Serves one response through sendResult and reports how sendResult ended. */
async function serve(body: Readable, client: (port: number) => Promise<void>): Promise<unknown> {
  let outcome: Promise<unknown> = Promise.resolve('not called');
  const server = http.createServer((_req, res) => {
    outcome = sendResult(res, { status: 200, headers: { 'content-length': '1000000' }, body }, false).then(
      () => 'completed',
      (err) => err,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await client((server.address() as AddressInfo).port);
    return await outcome;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function get(port: number, onResponse: (res: http.IncomingMessage, req: http.ClientRequest) => void): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ port, host: '127.0.0.1' }, (res) => {
      res.on('close', resolve);
      res.on('error', () => resolve());
      onResponse(res, req);
    });
    req.on('error', () => resolve());
  });
}

describe('sendResult with a body that breaks off', () => {
  it('blames the server when the source fails mid-body (a truncated 200 is an error)', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(1000)); // the status line goes out with the first bytes
    const outcome = await serve(body, (port) =>
      get(port, (res) => {
        res.resume();
        body.destroy(new Error('Premature close'));
      }),
    );
    expect(outcome).toBeInstanceOf(BrokenBodyError);
    expect((outcome as BrokenBodyError).side).toBe('server');
  });

  it('blames the server when the source is destroyed without an error mid-body', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(1000));
    const outcome = await serve(body, (port) =>
      get(port, (res) => {
        res.resume();
        body.destroy();
      }),
    );
    expect(outcome).toBeInstanceOf(BrokenBodyError);
    expect((outcome as BrokenBodyError).side).toBe('server');
  });

  it('blames the client when it goes away mid-body', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(1000));
    const outcome = await serve(body, (port) => get(port, (_res, req) => req.destroy()));
    expect(outcome).toBeInstanceOf(BrokenBodyError);
    expect((outcome as BrokenBodyError).side).toBe('client');
  });

  it('completes when the body is whole', async () => {
    const outcome = await serve(Readable.from([Buffer.alloc(1_000_000)]), (port) => get(port, (res) => res.resume()));
    expect(outcome).toBe('completed');
  });
});

describe('sendResult with a small body', () => {
  async function fetchOnce(result: Parameters<typeof sendResult>[1], method = 'GET') {
    const server = http.createServer((req, res) => void sendResult(res, result, req.method === 'HEAD'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      return await new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const req = http.request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
        });
        req.on('error', reject);
        req.end();
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  // A stream is gathered and sent whole; a buffer (the blob cache's) is sent as it is.
  const bodies: Array<[string, () => Readable | Buffer]> = [
    ['a stream', () => Readable.from([Buffer.from('hello')])],
    ['a buffer', () => Buffer.from('hello')],
  ];

  it.each(bodies)('sends the body after its head (%s)', async (_kind, body) => {
    const got = await fetchOnce({ headers: { 'content-length': '5', etag: '"e"' }, body: body() });
    expect(got.headers).toMatchObject({ 'content-length': '5', etag: '"e"' });
    expect(got.body).toBe('hello');
  });

  it.each(bodies)('sends no body for HEAD (%s)', async (_kind, body) => {
    const got = await fetchOnce({ headers: { 'content-length': '5' }, body: body() }, 'HEAD');
    expect(got.headers['content-length']).toBe('5');
    expect(got.body).toBe('');
  });

  it.each(bodies)('keeps a Latin-1 header value intact (%s)', async (_kind, body) => {
    const disposition = 'attachment; filename="r\u00e9sum\u00e9.txt"';
    // In the order readObject sets them: with Content-Length first, Node 20 garbles the value whatever the writes.
    const got = await fetchOnce({ headers: { 'content-disposition': disposition, 'content-length': '5' }, body: body() });
    expect(Buffer.from(got.headers['content-disposition']!, 'latin1').toString('latin1')).toBe(disposition);
    expect(got.body).toBe('hello');
  });
});
