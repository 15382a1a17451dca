import { mintCapability } from '@excloud/service-kit';
import type { OrgId } from '@excloud/contracts';
import { randomBytes } from 'node:crypto';
import { BORROWED_READ_SIZE, MemoryBackend } from '@excloud/blob-backend';
import type { BlobPutResult, ManifestPart } from '@excloud/contracts';
import { FRAME_SIZE, TAG_SIZE } from '@excloud/crypto';
import { InternalClient } from '@excloud/internal-client';
import { chunked, readBody, startTestBlobService, type TestBlobService } from './test-support';

/** Records the stored-byte ranges the service asks the backend for. */
class SpyBackend extends MemoryBackend {
  readonly ranges: Array<{ start: number; end: number } | undefined> = [];
  override get(opts: { id: string; range?: { start: number; end: number } }): Promise<NodeJS.ReadableStream> {
    this.ranges.push(opts.range);
    return super.get(opts);
  }
}

const S = FRAME_SIZE + TAG_SIZE;
const L = 3 * FRAME_SIZE + 5;
const plaintext = randomBytes(L);

let svc: TestBlobService;
let backend: SpyBackend;
let token: OrgId;
let part: ManifestPart;

beforeAll(async () => {
  backend = new SpyBackend();
  svc = await startTestBlobService(backend);
  token = svc.org('acme');
  const put: BlobPutResult = await svc.client.put(token, chunked(plaintext, 10_000), {});
  part = { blobId: put.blobId, size: put.size, encryption: put.encryption };
});
afterAll(() => svc.close());

it.each([
  ['first byte', 0, 0, { start: 0, end: S - 1 }],
  ['last byte of frame 0', FRAME_SIZE - 1, FRAME_SIZE - 1, { start: 0, end: S - 1 }],
  ['across frames 0|1', FRAME_SIZE - 1, FRAME_SIZE, { start: 0, end: 2 * S - 1 }],
  ['frame 1 exactly', FRAME_SIZE, 2 * FRAME_SIZE - 1, { start: S, end: 2 * S - 1 }],
  ['across frames 1|2|3', FRAME_SIZE + 17, 3 * FRAME_SIZE + 2, { start: S, end: 3 * S + 5 + TAG_SIZE - 1 }],
  ['last byte', L - 1, L - 1, { start: 3 * S, end: 3 * S + 5 + TAG_SIZE - 1 }],
  ['whole blob as a range', 0, L - 1, { start: 0, end: 3 * S + 5 + TAG_SIZE - 1 }],
])('%s: returns exactly the range, fetching only the frames that cover it', async (_name, start, end, stored) => {
  backend.ranges.length = 0;
  const res = await svc.client.get(token, part, { start, end });
  expect(res.headers['content-length']).toBe(String(end - start + 1));
  const body = await readBody(res);
  expect(body.equals(plaintext.subarray(start, end + 1))).toBe(true);
  expect(backend.ranges).toEqual([stored]);
});

it.each([
  ['end past the blob', `0-${L}`],
  ['start after end', '10-9'],
  ['start past the blob', `${L}-${L + 3}`],
])('%s is InvalidRange', async (_name, range) => {
  const http = new InternalClient(svc.url);
  const headers = {
    'x-blob-capability': mintCapability(svc.config.capabilityKeys, { orgId: token, op: 'get', blobId: part.blobId }),
    'x-blob-key': Buffer.from(JSON.stringify(part.encryption)).toString('base64url'),
    'x-blob-size': String(L),
    'x-blob-range': range,
  };
  await expect(http.raw({ method: 'GET', path: `/v1/blobs/${part.blobId}`, headers })).rejects.toMatchObject({
    code: 'InvalidRange',
    status: 416,
  });
});

it('refuses any range on an empty blob', async () => {
  const empty = await svc.client.put(token, chunked(Buffer.alloc(0)), {});
  const emptyPart = { blobId: empty.blobId, size: 0, encryption: empty.encryption };
  await expect(svc.client.get(token, emptyPart, { start: 0, end: 0 })).rejects.toMatchObject({ code: 'InvalidRange' });
  expect((await readBody(await svc.client.get(token, emptyPart, undefined))).length).toBe(0);
});

it('answers 404 NoSuchKey for a missing blob', async () => {
  const missing = { ...part, blobId: `acme/20250101/${'0'.repeat(26)}` };
  await expect(svc.client.get(token, missing, undefined)).rejects.toMatchObject({ code: 'NoSuchKey', status: 404, message: 'blob not found' });
});

it('rejects a malformed key header as InvalidArgument', async () => {
  const http = new InternalClient(svc.url);
  await expect(
    http.raw({ method: 'GET', path: `/v1/blobs/${part.blobId}`, headers: { 'x-blob-capability': mintCapability(svc.config.capabilityKeys, { orgId: token, op: 'get', blobId: part.blobId }), 'x-blob-key': 'not json', 'x-blob-size': String(L) } }),
  ).rejects.toMatchObject({ code: 'InvalidArgument' });
});

it('answers 500 InternalError when the key info is not this blob’s', async () => {
  const other = await svc.client.put(token, chunked(randomBytes(100)), {});
  await expect(svc.client.get(token, { ...part, encryption: other.encryption }, undefined)).rejects.toMatchObject({
    code: 'InternalError',
    status: 500,
  });
  await expect(svc.client.get(token, { ...part, encryption: { ...part.encryption, keyId: 'nope' } }, undefined)).rejects.toMatchObject({
    code: 'InternalError',
  });
});

it('reads stored blobs in whole frames: the filesystem read size is a multiple of the stored frame', () => {
  // Ranges start on a frame (above), so every borrowed chunk then ends on one too: no frame is
  // split across chunks and copied to be opened.
  expect(BORROWED_READ_SIZE % S).toBe(0);
});
