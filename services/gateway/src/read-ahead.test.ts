import type { Readable } from 'node:stream';
import { FakeBlobs, ORG, bodyBytes, codeOf, fakeContext, objectVersion } from './testing/fake-context';
import { getObject } from './operations/get-object';
import { deleteObject } from './operations/delete-object';
import { headObject } from './operations/head-object';
import { putObject } from './operations/put-object';
import { READ_AHEAD_MAX_BYTES, ReadAhead, type ReadAheadOutcome } from './read-ahead';
import { S3Error } from '@excloud/s3-protocol';
import type { ObjectVersion } from '@excloud/contracts';

/** A gateway's read-ahead over fake blobs, with every blob read and outcome recorded in order. */
function setup(capacity = 100) {
  const blobs = new FakeBlobs();
  const events: string[] = [];
  const responses: Readable[] = [];
  const get = blobs.client.get.bind(blobs.client);
  const readAhead = blobs.client.readAhead.bind(blobs.client);
  blobs.client.get = async (orgId, part, range, requestId) => {
    events.push(`blob ${part.blobId}${range ? ' range' : ''}`);
    const response = await get(orgId, part, range, requestId);
    responses.push(response);
    return response;
  };
  blobs.client.readAhead = async (orgId, part, requestId) => {
    events.push(`read-ahead ${part.blobId}`);
    const response = await readAhead(orgId, part, requestId);
    responses.push(response);
    return response;
  };
  const outcomes: ReadAheadOutcome[] = [];
  return { blobs, events, outcomes, readAhead: new ReadAhead(blobs.client, capacity, (o) => outcomes.push(o)), responses };
}

function storedVersion(blobs: FakeBlobs, bytes: string | Buffer): ObjectVersion {
  const body = Buffer.from(bytes);
  return objectVersion({ size: body.length, manifest: [blobs.seed(body)], etag: '"e"' });
}

async function get(s: ReturnType<typeof setup>, current: () => ObjectVersion | Promise<ObjectVersion>, line = 'GET /b/k', headers: Record<string, string> = {}) {
  const ctx = fakeContext('GetObject', line, {
    blobs: s.blobs,
    readAhead: s.readAhead,
    headers,
    metadata: {
      getObject: async () => {
        s.events.push('metadata');
        return current();
      },
    },
  });
  const { body } = await getObject(ctx);
  return (await bodyBytes(body)).toString();
}

/** A PutObject through the same gateway; answers the version its commit published. */
async function put(s: ReturnType<typeof setup>, line: string, body: string): Promise<ObjectVersion> {
  let committed: ObjectVersion | undefined;
  const ctx = fakeContext('PutObject', line, {
    body,
    blobs: s.blobs,
    readAhead: s.readAhead,
    metadata: {
      getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
      putObject: async (_t, _b, c) => (committed = objectVersion({ size: c.size, manifest: c.manifest, etag: c.etag })),
    },
  });
  await putObject(ctx);
  return committed!;
}

describe('read-ahead of small objects', () => {
  it('reads a small object it served before while metadata answers, and answers with those bytes', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello');
    expect(await get(s, () => v1)).toBe('hello');
    expect(s.events).toEqual(['metadata', `blob ${v1.manifest[0]!.blobId}`]);

    s.events.length = 0;
    expect(await get(s, () => v1)).toBe('hello');
    // The blob read started first, and it was the only one.
    expect(s.events).toEqual([`read-ahead ${v1.manifest[0]!.blobId}`, 'metadata']);
    expect(s.outcomes).toEqual(['used']);
  });

  it('answers with the blob metadata names when the object changed since (never the remembered bytes)', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'old bytes');
    const v2 = storedVersion(s.blobs, 'new bytes');
    await get(s, () => v1);
    s.events.length = 0;
    expect(await get(s, () => v2)).toBe('new bytes');
    expect(s.events).toEqual([`read-ahead ${v1.manifest[0]!.blobId}`, 'metadata', `blob ${v2.manifest[0]!.blobId}`]);
    expect(s.outcomes).toEqual(['stale']);
    // The guessed read was dropped, not left holding its connection.
    await new Promise((r) => setImmediate(r));
    expect(s.responses.map((r) => r.destroyed)).toEqual([true, true, true]);
    // Now v2 is the one remembered.
    s.events.length = 0;
    expect(await get(s, () => v2)).toBe('new bytes');
    expect(s.events).toEqual([`read-ahead ${v2.manifest[0]!.blobId}`, 'metadata']);
  });

  it('reads the blob again as usual when the early read failed', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello');
    await get(s, () => v1);
    s.blobs.client.readAhead = () => Promise.reject(new S3Error('ServiceUnavailable'));
    s.events.length = 0;
    expect(await get(s, () => v1)).toBe('hello');
    expect(s.events).toEqual(['metadata', `blob ${v1.manifest[0]!.blobId}`]);
    expect(s.outcomes).toEqual(['failed']);
  });

  it('keeps the bytes to itself when metadata refuses, and stops guessing that object', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'secret');
    await get(s, () => v1);
    expect(await codeOf(get(s, () => Promise.reject(new S3Error('AccessDenied'))))).toBe('AccessDenied');
    await new Promise((r) => setImmediate(r));
    expect(s.responses).toHaveLength(2);
    expect(s.responses[1]!.destroyed).toBe(true);
    s.events.length = 0;
    expect(await codeOf(get(s, () => Promise.reject(new S3Error('NoSuchKey'))))).toBe('NoSuchKey');
    expect(s.events).toEqual(['metadata']);
    expect(s.outcomes).toEqual([]);
  });

  it('follows PUT and DELETE through the gateway: a replaced object is guessed with its new blob, a deleted one not at all', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'one');
    await get(s, () => v1);
    // The PUT's commit answers the new version; the next GET guesses its blob, not the old one.
    const v2 = await put(s, 'PUT /b/k', 'two');
    s.events.length = 0;
    expect(await get(s, () => v2)).toBe('two');
    expect(s.events).toEqual([`read-ahead ${v2.manifest[0]!.blobId}`, 'metadata']);
    expect(s.outcomes).toEqual(['used']);

    const del = fakeContext('DeleteObject', 'DELETE /b/k', { readAhead: s.readAhead, metadata: { deleteObject: async () => ({ deleteMarker: false }) } });
    await deleteObject(del);
    s.events.length = 0;
    expect(await codeOf(get(s, () => Promise.reject(new S3Error('NoSuchKey'))))).toBe('NoSuchKey');
    expect(s.events).toEqual(['metadata']);
  });

  it('does not remember what is only written: a PUT of an object never read adds nothing', async () => {
    const s = setup();
    await put(s, 'PUT /b/new', 'fresh');
    expect(s.readAhead.size).toBe(0);
  });

  it('guesses per version and per org: another version or another org never shares a slot', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'version one');
    await get(s, () => v1, 'GET /b/k?versionId=v1');
    s.events.length = 0;
    await get(s, () => v1); // the current version: not yet seen
    expect(s.events).toEqual(['metadata', `blob ${v1.manifest[0]!.blobId}`]);
    const otherOrg = { orgId: 'other' as typeof ORG, bucket: 'b', key: 'k', versionId: undefined };
    expect(s.readAhead.start(otherOrg, 'r')).toBeUndefined();
  });

  it('does not read ahead a Range, a partNumber or a conditional GET, nor for HEAD', async () => {
    const s = setup();
    const v1 = storedVersion(s.blobs, 'hello world');
    await get(s, () => v1);
    s.events.length = 0;
    expect(await get(s, () => v1, 'GET /b/k', { range: 'bytes=0-4' })).toBe('hello');
    expect(await get(s, () => v1, 'GET /b/k?partNumber=1')).toBe('hello world');
    await expect(get(s, () => v1, 'GET /b/k', { 'if-none-match': '"e"' })).rejects.toMatchObject({ code: 'NotModified' });
    const head = fakeContext('HeadObject', 'HEAD /b/k', { blobs: s.blobs, readAhead: s.readAhead, metadata: { getObject: async () => (s.events.push('metadata'), v1) } });
    await headObject(head);
    const blob = `blob ${v1.manifest[0]!.blobId}`;
    // Every blob read waited for metadata: range, partNumber, conditional (304), HEAD.
    expect(s.events).toEqual(['metadata', `${blob} range`, 'metadata', blob, 'metadata', 'metadata']);
    expect(s.outcomes).toEqual([]);
  });

  it('remembers only non-empty single-blob objects up to READ_AHEAD_MAX_BYTES', async () => {
    const s = setup();
    const slot = { orgId: ORG, bucket: 'b', key: 'k', versionId: undefined };
    const big = storedVersion(s.blobs, Buffer.alloc(READ_AHEAD_MAX_BYTES + 1));
    s.readAhead.remember(slot, big);
    expect(s.readAhead.size).toBe(0);
    const multipart = objectVersion({ size: 2, manifest: [s.blobs.seed(Buffer.from('a')), s.blobs.seed(Buffer.from('b'))] });
    s.readAhead.remember(slot, multipart);
    s.readAhead.remember(slot, objectVersion({ size: 0, manifest: [] }));
    expect(s.readAhead.size).toBe(0);
    s.readAhead.remember(slot, storedVersion(s.blobs, Buffer.alloc(READ_AHEAD_MAX_BYTES)));
    expect(s.readAhead.size).toBe(1);
    // An object that grew past the limit is forgotten, not guessed with its old blob.
    s.readAhead.remember(slot, big);
    expect(s.readAhead.size).toBe(0);
  });

  it('holds at most its capacity, dropping the least recently served first; 0 turns it off', async () => {
    const s = setup(2);
    const slot = (key: string) => ({ orgId: ORG, bucket: 'b', key, versionId: undefined });
    const v = storedVersion(s.blobs, 'x');
    s.readAhead.remember(slot('a'), v);
    s.readAhead.remember(slot('b'), v);
    s.readAhead.remember(slot('a'), v); // a served again: b is now the oldest
    s.readAhead.remember(slot('c'), v);
    expect(s.readAhead.size).toBe(2);
    expect(s.readAhead.start(slot('b'), 'r')).toBeUndefined();
    expect(s.readAhead.start(slot('a'), 'r')).toBeDefined();
    expect(s.readAhead.start(slot('c'), 'r')).toBeDefined();

    const off = setup(0);
    off.readAhead.remember(slot('a'), v);
    expect(off.readAhead.size).toBe(0);
  });
});
