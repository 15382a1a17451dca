import { Readable } from 'node:stream';
import type { ObjectVersion } from '@excloud/contracts';
import type { InternalResponse } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { BLOB_CACHE_MAX_BLOB_BYTES, BlobCache, type BlobCacheOutcome } from './blob-cache';
import { getObject } from './operations/get-object';
import { headObject } from './operations/head-object';
import { ReadAhead } from './read-ahead';
import { FakeBlobs, bodyBytes, codeOf, fakeContext, objectVersion } from './testing/fake-context';

/** A gateway's blob cache (and read-ahead) over fake blobs, with every blob read and cache outcome recorded. */
function setup(capacityBytes = 1024 * 1024) {
  const blobs = new FakeBlobs();
  const reads: string[] = [];
  const get = blobs.client.get.bind(blobs.client);
  const readAhead = blobs.client.readAhead.bind(blobs.client);
  blobs.client.get = async (orgId, part, range, requestId) => {
    reads.push(`blob ${part.blobId}${range ? ' range' : ''}`);
    return get(orgId, part, range, requestId);
  };
  blobs.client.readAhead = async (orgId, part, requestId) => {
    reads.push(`read-ahead ${part.blobId}`);
    return readAhead(orgId, part, requestId);
  };
  const outcomes: BlobCacheOutcome[] = [];
  const blobCache = new BlobCache(capacityBytes, (o) => outcomes.push(o));
  return { blobs, reads, outcomes, blobCache, readAhead: new ReadAhead(blobs.client, 100, undefined, (id) => blobCache.has(id)) };
}

function storedVersion(blobs: FakeBlobs, bytes: string | Buffer): ObjectVersion {
  const body = Buffer.from(bytes);
  return objectVersion({ size: body.length, manifest: [blobs.seed(body)], etag: '"e"' });
}

async function get(s: ReturnType<typeof setup>, version: ObjectVersion | (() => Promise<ObjectVersion>), line = 'GET /b/k', headers: Record<string, string> = {}) {
  const ctx = fakeContext('GetObject', line, {
    blobs: s.blobs,
    readAhead: s.readAhead,
    blobCache: s.blobCache,
    headers,
    metadata: { getObject: async () => (typeof version === 'function' ? version() : version) },
  });
  const result = await getObject(ctx);
  return { ...result, text: (await bodyBytes(result.body)).toString() };
}

describe('blob cache', () => {
  it('answers the second GET of a small object from memory, with no blob read and no read-ahead', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello');
    expect((await get(s, v1)).text).toBe('hello');
    expect(s.reads).toEqual([`blob ${v1.manifest[0]!.blobId}`]);
    s.reads.length = 0;
    const second = await get(s, v1);
    expect(second.text).toBe('hello');
    expect(Buffer.isBuffer(second.body)).toBe(true);
    expect(second.headers?.['content-length']).toBe('5');
    expect(s.reads).toEqual([]);
    expect(s.outcomes).toEqual(['miss', 'hit']);
  });

  it('serves what metadata names: a replaced object is read from its new blob', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'old bytes');
    const v2 = storedVersion(s.blobs, 'new bytes');
    await get(s, v1);
    s.reads.length = 0;
    expect((await get(s, v2)).text).toBe('new bytes');
    // v1's blob is held, so nothing was read ahead; metadata named v2, which is read.
    expect(s.reads).toEqual([`blob ${v2.manifest[0]!.blobId}`]);
    // Cached bytes never answer for another blob, and a refusal is a refusal.
    expect(await codeOf(get(s, () => Promise.reject(new S3Error('AccessDenied'))))).toBe('AccessDenied');
    expect(await codeOf(get(s, () => Promise.reject(new S3Error('NoSuchKey'))))).toBe('NoSuchKey');
    expect((await get(s, v1)).text).toBe('old bytes');
  });

  it('answers a Range and a conditional GET of a cached object from memory, and HEAD never touches it', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello world');
    await get(s, v1);
    s.reads.length = 0;
    const ranged = await get(s, v1, 'GET /b/k', { range: 'bytes=6-' });
    expect(ranged.status).toBe(206);
    expect(ranged.text).toBe('world');
    expect((await get(s, v1, 'GET /b/k', { 'if-match': '"e"' })).text).toBe('hello world');
    await expect(get(s, v1, 'GET /b/k', { 'if-none-match': '"e"' })).rejects.toMatchObject({ code: 'NotModified' });
    const head = await headObject(fakeContext('HeadObject', 'HEAD /b/k', { blobs: s.blobs, blobCache: s.blobCache, metadata: { getObject: async () => v1 } }));
    expect(head.body).toBeUndefined();
    expect(s.reads).toEqual([]);
    expect(s.outcomes).toEqual(['miss', 'hit', 'hit']);
  });

  it('a range of an uncached object reads the blob and caches nothing', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello world');
    expect((await get(s, v1, 'GET /b/k', { range: 'bytes=0-4' })).text).toBe('hello');
    expect(s.blobCache.size).toBe(0);
  });

  it('caches only non-empty single-blob objects up to BLOB_CACHE_MAX_BLOB_BYTES', async () => {
    const s = setup();
    const big = storedVersion(s.blobs, Buffer.alloc(BLOB_CACHE_MAX_BLOB_BYTES + 1, 1));
    const multipart = objectVersion({ size: 2, manifest: [s.blobs.seed(Buffer.from('a')), s.blobs.seed(Buffer.from('b'))], etag: '"m-2"' });
    const largest = storedVersion(s.blobs, Buffer.alloc(BLOB_CACHE_MAX_BLOB_BYTES, 2));
    expect((await get(s, big)).text.length).toBe(BLOB_CACHE_MAX_BLOB_BYTES + 1);
    expect((await get(s, multipart)).text).toBe('ab');
    await get(s, objectVersion({ size: 0, manifest: [] }));
    expect(s.blobCache.size).toBe(0);
    await get(s, largest);
    expect(s.blobCache.size).toBe(1);
    expect(s.blobCache.bytes).toBe(BLOB_CACHE_MAX_BLOB_BYTES);
  });

  it('holds at most its capacity in bytes, dropping the least recently served first; 0 turns it off', async () => {
    const s = setup(10);
    const [a, b, c] = ['aaaa', 'bbbb', 'cccc'].map((x) => storedVersion(s.blobs, x));
    await get(s, a!);
    await get(s, b!);
    await get(s, a!); // a is now the most recently served
    await get(s, c!);
    expect(s.blobCache.bytes).toBe(8);
    expect(s.blobCache.has(a!.manifest[0]!.blobId)).toBe(true);
    expect(s.blobCache.has(b!.manifest[0]!.blobId)).toBe(false);

    const off = setup(0);
    const v = storedVersion(off.blobs, 'x');
    await get(off, v);
    await get(off, v);
    expect(off.reads).toHaveLength(2);
    expect(off.outcomes).toEqual([]);
  });

  it('keeps its own copy: later changes to the buffer it was given do not reach the cache', () => {
    const cache = new BlobCache(1024);
    const blobs = new FakeBlobs();
    const part = blobs.seed(Buffer.from('abc'));
    const socketBuffer = Buffer.from('abc');
    cache.add(part, socketBuffer);
    socketBuffer.write('xyz');
    expect(cache.get(part)?.toString()).toBe('abc');
    // A body that is not the whole blob is never cached.
    const other = blobs.seed(Buffer.from('defg'));
    cache.add(other, Buffer.from('de'));
    expect(cache.has(other.blobId)).toBe(false);
  });

  it('a blob that breaks off mid-body is an internal error before anything is sent, and nothing is cached', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello');
    s.blobs.client.get = async () => {
      const broken = new Readable({ read() {} });
      broken.push('hel');
      setImmediate(() => broken.destroy(new S3Error('IncompleteBody')));
      return broken as unknown as InternalResponse;
    };
    // Not IncompleteBody, which would read as the client's fault (400).
    expect(await codeOf(get(s, v1))).toBe('InternalError');
    expect(s.blobCache.size).toBe(0);
  });
});
