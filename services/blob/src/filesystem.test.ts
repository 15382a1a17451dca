import type { OrgId } from '@excloud/contracts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { FilesystemBackend } from '@excloud/blob-backend';
import type { ManifestPart } from '@excloud/contracts';
import { ciphertextLength, FRAME_SIZE, TAG_SIZE } from '@excloud/crypto';
import { chunked, collectIds, eventually, readBody, readUntilError, startTestBlobService, type TestBlobService } from './test-support';

let root: string;
let backend: FilesystemBackend;
let svc: TestBlobService;
let token: OrgId;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'blob-svc-'));
  backend = new FilesystemBackend({ root, fsync: false });
  svc = await startTestBlobService(backend);
  token = svc.org('acme');
});
afterAll(async () => {
  await svc.close();
  await rm(root, { recursive: true, force: true });
});

const blobFile = (blobId: string) => join(root, 'blobs', ...blobId.split('/'));
const tempFiles = async () => readdir(join(root, '.tmp')).catch(() => [] as string[]);

async function storedNothing(): Promise<boolean> {
  return (await collectIds(backend.list({}))).length === 0 && (await tempFiles()).length === 0;
}

async function putBlob(plaintext: Buffer): Promise<ManifestPart> {
  const put = await svc.client.put(token, chunked(plaintext), {});
  return { blobId: put.blobId, size: put.size, encryption: put.encryption };
}

describe('refused and broken uploads store nothing', () => {
  // Runs first, while the store is empty, so "nothing stored" can be checked exactly.
  it('maxSize exceeded → EntityTooLarge', async () => {
    await expect(svc.client.put(token, chunked(randomBytes(200_000)), { maxSize: 100_000 })).rejects.toMatchObject({
      code: 'EntityTooLarge',
      status: 400,
    });
    await eventually(storedNothing);
  });

  it('body shorter than contentLength → IncompleteBody', async () => {
    await expect(svc.client.put(token, chunked(randomBytes(1000)), { contentLength: 1001 })).rejects.toMatchObject({
      code: 'IncompleteBody',
    });
    await eventually(storedNothing);
  });

  it('an upload whose body errors midway is aborted and leaves no blob or temp file', async () => {
    const body = new PassThrough();
    const put = svc.client.put(token, body, {});
    body.write(randomBytes(3 * FRAME_SIZE));
    // Let the service receive (and spool) part of the body before the upload breaks.
    await eventually(async () => (await tempFiles()).length > 0);
    const boom = new Error('client went away');
    body.destroy(boom);
    await expect(put).rejects.toBe(boom);
    await eventually(storedNothing);
  });

  it('a body destroyed without an error also rejects and stores nothing', async () => {
    const body = new PassThrough();
    const put = svc.client.put(token, body, {});
    body.write(randomBytes(FRAME_SIZE + 100));
    await eventually(async () => (await tempFiles()).length > 0);
    body.destroy();
    await expect(put).rejects.toMatchObject({ code: 'IncompleteBody' });
    await eventually(storedNothing);
  });
});

it('stores ciphertext on disk and reads plaintext back', async () => {
  const plaintext = randomBytes(1024 * 1024 + 3);
  const part = await putBlob(plaintext);
  const onDisk = await readFile(blobFile(part.blobId));
  expect(onDisk.length).toBe(ciphertextLength(plaintext.length));
  expect(onDisk.subarray(0, FRAME_SIZE).equals(plaintext.subarray(0, FRAME_SIZE))).toBe(false);
  expect(onDisk.includes(plaintext.subarray(5000, 5064))).toBe(false);
  expect((await readBody(await svc.client.get(token, part, undefined))).equals(plaintext)).toBe(true);
  const range = await readBody(await svc.client.get(token, part, { start: FRAME_SIZE - 3, end: 2 * FRAME_SIZE + 3 }));
  expect(range.equals(plaintext.subarray(FRAME_SIZE - 3, 2 * FRAME_SIZE + 4))).toBe(true);
});

describe('tampered blobs never yield wrong bytes', () => {
  async function flipByte(blobId: string, offset: number): Promise<void> {
    const file = blobFile(blobId);
    const bytes = await readFile(file);
    bytes[offset] = bytes[offset]! ^ 0x01;
    await writeFile(file, bytes);
  }

  it('a flipped byte in a single-frame blob → 500 before any byte', async () => {
    const part = await putBlob(randomBytes(1000));
    await flipByte(part.blobId, 500);
    await expect(svc.client.get(token, part, undefined)).rejects.toMatchObject({ code: 'InternalError', status: 500 });
  });

  it('a flipped tag byte is detected too', async () => {
    const part = await putBlob(randomBytes(1000));
    await flipByte(part.blobId, 1000 + TAG_SIZE - 1);
    await expect(svc.client.get(token, part, undefined)).rejects.toMatchObject({ code: 'InternalError' });
  });

  it('a flipped byte in a later frame fails the read after only authentic bytes', async () => {
    const plaintext = randomBytes(12 * FRAME_SIZE + 10);
    const part = await putBlob(plaintext);
    await flipByte(part.blobId, 10 * (FRAME_SIZE + TAG_SIZE) + 123);
    // Frames decrypted before the headers go out turn into a clean 500; after them, an aborted body.
    const { data, error } = await svc.client.get(token, part, undefined).then(readUntilError, (err: unknown) => ({ data: Buffer.alloc(0), error: err }));
    expect(error).toBeDefined();
    expect(data.length).toBeLessThan(plaintext.length);
    expect(data.equals(plaintext.subarray(0, data.length))).toBe(true);
    // A range that avoids the damaged frame still reads fine.
    expect((await readBody(await svc.client.get(token, part, { start: 10, end: FRAME_SIZE + 10 }))).equals(plaintext.subarray(10, FRAME_SIZE + 11))).toBe(true);
  });

  it('a range over the flipped frame fails', async () => {
    const plaintext = randomBytes(2 * FRAME_SIZE + 10);
    const part = await putBlob(plaintext);
    await flipByte(part.blobId, FRAME_SIZE + TAG_SIZE + 1);
    await expect(svc.client.get(token, part, { start: FRAME_SIZE, end: FRAME_SIZE + 5 })).rejects.toMatchObject({ code: 'InternalError' });
  });

  it('a truncated blob fails', async () => {
    const plaintext = randomBytes(FRAME_SIZE + 10);
    const part = await putBlob(plaintext);
    const file = blobFile(part.blobId);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 5));
    const whole = await svc.client.get(token, part, undefined).then(readUntilError, (error: unknown) => ({ data: Buffer.alloc(0), error }));
    expect(whole.error).toBeDefined();
    expect(whole.data.equals(plaintext.subarray(0, whole.data.length))).toBe(true);
    await expect(svc.client.get(token, part, { start: FRAME_SIZE, end: FRAME_SIZE + 1 })).rejects.toMatchObject({ code: 'InternalError' });
  });
});

it('delete removes the file and is idempotent', async () => {
  const part = await putBlob(randomBytes(10));
  await svc.client.delete(token, part.blobId);
  await svc.client.delete(token, part.blobId);
  await expect(readFile(blobFile(part.blobId))).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(svc.client.get(token, part, undefined)).rejects.toMatchObject({ code: 'NoSuchKey' });
});
