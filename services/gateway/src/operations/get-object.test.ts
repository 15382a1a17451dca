import type { Readable } from 'node:stream';
import { FakeBlobs, bodyBytes, codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { getObject } from './get-object';
import { headObject } from './head-object';

const text = async (body: Readable | Buffer | undefined) => (await bodyBytes(body)).toString();

function stored(blobs: FakeBlobs, parts: string[]) {
  const manifest = parts.map((p) => blobs.seed(Buffer.from(p)));
  const size = parts.join('').length;
  return objectVersion({ size, manifest, etag: parts.length > 1 ? `"abc-${parts.length}"` : '"abc"', headers: { contentType: 'text/plain' }, checksums: { CRC32: 'AAAAAA==' } });
}

describe('getObject / headObject', () => {
  it('streams the whole object with its headers', async () => {
    const blobs = new FakeBlobs();
    const version = stored(blobs, ['hello world']);
    const ctx = fakeContext('GetObject', 'GET /b/k', { blobs, metadata: { getObject: async () => version } });
    const result = await getObject(ctx);
    expect(result.headers).toMatchObject({ 'content-length': '11', 'content-type': 'text/plain', etag: '"abc"' });
    expect(await text(result.body)).toBe('hello world');
  });

  it('answers 206 with Content-Range for a Range header', async () => {
    const blobs = new FakeBlobs();
    const version = stored(blobs, ['hello world']);
    const ctx = fakeContext('GetObject', 'GET /b/k', { blobs, headers: { range: 'bytes=6-' }, metadata: { getObject: async () => version } });
    const result = await getObject(ctx);
    expect(result.status).toBe(206);
    expect(result.headers?.['content-range']).toBe('bytes 6-10/11');
    expect(await text(result.body)).toBe('world');
  });

  it('reads one part of a multipart object with ?partNumber', async () => {
    const blobs = new FakeBlobs();
    const version = stored(blobs, ['aaaaa', 'bbb']);
    const ctx = fakeContext('GetObject', 'GET /b/k?partNumber=2', { blobs, metadata: { getObject: async () => version } });
    const result = await getObject(ctx);
    expect(result.headers).toMatchObject({ 'content-range': 'bytes 5-7/8', 'x-amz-mp-parts-count': '2' });
    expect(await text(result.body)).toBe('bbb');
    const past = fakeContext('GetObject', 'GET /b/k?partNumber=3', { blobs, metadata: { getObject: async () => version } });
    expect(await codeOf(getObject(past))).toBe('InvalidPartNumber');
  });

  it('applies response-* overrides and the version the router parsed', async () => {
    const blobs = new FakeBlobs();
    const version = stored(blobs, ['x']);
    const ctx = fakeContext('GetObject', 'GET /b/k?versionId=v9&response-content-type=application/json', {
      blobs,
      metadata: {
        getObject: async (_t, _b, _k, versionId) => {
          expect(versionId).toBe('v9');
          return version;
        },
      },
    });
    expect((await getObject(ctx)).headers?.['content-type']).toBe('application/json');
  });

  it('answers 304 for a matching If-None-Match, and returns checksums only when asked', async () => {
    const blobs = new FakeBlobs();
    const version = stored(blobs, ['x']);
    const cond = fakeContext('GetObject', 'GET /b/k', { blobs, headers: { 'if-none-match': '"abc"' }, metadata: { getObject: async () => version } });
    expect(await codeOf(getObject(cond))).toBe('NotModified');
    const head = fakeContext('HeadObject', 'HEAD /b/k', { blobs, headers: { 'x-amz-checksum-mode': 'ENABLED' }, metadata: { getObject: async () => version } });
    const result = await headObject(head);
    expect(result.body).toBeUndefined();
    expect(result.headers).toMatchObject({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-type': 'FULL_OBJECT', 'content-length': '1' });
  });
});
