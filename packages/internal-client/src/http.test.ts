import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Error } from '@excloud/s3-protocol';
import { InternalClient } from './http';

describe('InternalClient', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/error') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(new S3Error('NoSuchKey', undefined, { Key: 'k' }, { headers: { 'x-amz-delete-marker': 'true' } }).toWire()));
        return;
      }
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('rebuilds the callee S3 error with its fields and headers', async () => {
    await expect(new InternalClient(base).json({ method: 'GET', path: '/error' })).rejects.toMatchObject({ code: 'NoSuchKey', status: 404, fields: { Key: 'k' }, headers: { 'x-amz-delete-marker': 'true' } });
  });

  it('fails a stuck call as ServiceUnavailable after its timeout', async () => {
    await expect(new InternalClient(base, 200).json({ method: 'GET', path: '/slow' })).rejects.toMatchObject({ code: 'ServiceUnavailable', status: 503 });
  });

  it('reports an unreachable service as ServiceUnavailable', async () => {
    await expect(new InternalClient('http://127.0.0.1:1').json({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });

  it('returns parsed JSON', async () => {
    expect(await new InternalClient(base).json({ method: 'GET', path: '/ok' })).toEqual({ ok: true });
  });
});
